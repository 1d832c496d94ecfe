#pragma once
// Verifiable export bundles (docs/export.md): all reports of one organization for one period,
// each with its receipt, in a directory an auditor verifies offline with nothing but the
// network's genesis file.
//
//   DIR/manifest.json              what was exported, by whom, and per report its fields and
//                                  the SHA-256 of its two files; signed by the exporter
//   DIR/reports/<report_id>.payload   the exact payload bytes of the SubmitReport
//   DIR/receipts/<report_id>.json     the receipt, exactly as it verified at export
//   DIR/reports/<report_id>.data, .chunks.json   a chunked report's dataset (bundle_dataset.hpp)
//
// The manifest is written last: a bundle whose export was interrupted has none and does not
// verify. Every file is written atomically (temp file + rename).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/lib/identity.hpp"
#include "client/lib/node_client.hpp"
#include "common/result.hpp"
#include "ledger/genesis.hpp"
#include "ledger/limits.hpp"
#include "ledger/receipt.hpp"

namespace rl::client::bundle {

inline constexpr const char* kFormat = "regledger-export";
inline constexpr std::uint64_t kVersion = 1;
inline constexpr const char* kManifestFile = "manifest.json";
inline constexpr const char* kReportsDir = "reports";
inline constexpr const char* kReceiptsDir = "receipts";

// Size limits on every file a bundle holds; a bigger file is refused before it is parsed.
inline constexpr std::size_t kMaxManifestBytes = std::size_t{64} * 1024 * 1024;
inline constexpr std::size_t kMaxReceiptBytes = ledger::limits::kMaxReceiptBytes;
inline constexpr std::size_t kMaxPayloadBytes = std::size_t{16} * 1024 * 1024;
// More items than a 64 MiB manifest can hold; a bound for the parser, not a quota.
inline constexpr std::size_t kMaxItems = 1'000'000;
inline constexpr std::size_t kMaxSignerChain = ledger::limits::kMaxChainCertificates;

struct Query {
  std::string org;
  std::string period;
  std::string template_id;  // empty: every template
};

// One exported report. Fields from the SubmitReport transaction and its receipt, except
// org_id, which is the ledger's record of the submitter's organization (the receipt does not
// carry it: see ItemVerdict::org_note).
struct Item {
  std::string report_id;  // 64 lower-case hex: the SubmitReport's tx id
  std::string org_id;
  std::string submitter;
  std::string template_id;
  std::string period;
  std::string batch;
  std::string content_type;
  bool sealed = false;         // the payload is a sealed report's ciphertext (docs/sealed.md)
  std::string payload_sha256;  // hex, of reports/<id>.payload
  std::uint64_t payload_bytes = 0;
  std::string receipt_sha256;  // hex, of receipts/<id>.json
  std::uint64_t height = 0;
  std::uint32_t tx_index = 0;
  std::int64_t block_time_ms = 0;
  // A chunked report only (bundle_dataset.hpp): its dataset file's SHA-256 (hex) and size. Empty
  // and 0 otherwise, and then absent from the manifest's text.
  std::string dataset_sha256;
  std::uint64_t dataset_bytes = 0;
};

struct Manifest {
  std::uint64_t version = kVersion;
  std::string chain_id;
  Query query;
  std::int64_t exported_at_ms = 0;
  std::string exporter;  // the exporting account (its certificate's CN)
  std::vector<Item> items;
  // The exporter's signature over manifest_signed_bytes(): its certificate first (DER), then
  // any intermediates the genesis does not hold.
  std::vector<Bytes> signer_chain;
  Bytes signature;
};

// The bytes the exporter signs: a domain tag and the canonical JSON of every field but the
// signature and its chain.
Bytes manifest_signed_bytes(const Manifest& m);
// Signs `m` as `exporter` (sets exporter, signer_chain and signature).
Status sign_manifest(Manifest& m, const Identity& exporter);
// The canonical file text (what export writes; the parser accepts only this form).
std::string manifest_to_json(const Manifest& m);
// Strict parse: size limit, nesting depth, no duplicate or unknown keys, exact types, field
// limits, report ids unique and 64 lower-case hex, items in the query's scope, and the text
// exactly in the canonical form manifest_to_json writes. Code: bad_manifest.
Result<Manifest> parse_manifest(std::string_view text);
// The signature verifies with the first certificate of signer_chain, which names the exporter
// and chains to a genesis root at exported_at. Code: manifest_invalid.
Status verify_manifest_signature(const Manifest& m, const ledger::TrustAnchor& anchor);

// ---------------------------------------------------------------- writing

// One report ready to be written: its manifest item and the two files' contents.
struct Entry {
  Item item;
  std::string payload;
  std::string receipt_json;
  std::size_t commit_signatures = 0;
  ledger::pb::SubmitReport report;  // the receipt's transaction
};
// Builds the entry of the report a receipt proves: the receipt must verify against `anchor`
// and carry a SubmitReport. `org_id` is the organization the ledger lists the report under.
// Codes: receipt_invalid, not_a_report.
Result<Entry> entry_from_receipt(const ledger::TrustAnchor& anchor, const std::string& org_id,
                                 const ledger::Receipt& receipt);
// Refuses a non-empty `dir` (code out_not_empty) unless `force`, in which case the bundle
// files of an earlier export there (manifest.json, reports/, receipts/) are removed; other
// files are left alone. Creates dir, dir/reports and dir/receipts.
Status prepare_dir(const std::string& dir, bool force);
// Writes the entry's two files atomically. Code: write_failed.
Status write_entry(const std::string& dir, const Entry& e);
// Signs and writes the manifest atomically; returns its SHA-256 (hex). Code: write_failed.
Result<std::string> write_manifest(const std::string& dir, Manifest& m, const Identity& exporter);

struct ExportOptions {
  Query query;
  std::string dir;
  bool force = false;
  std::size_t page_size = 500;
  std::int64_t now_ms = 0;  // 0: the system clock
  // Called after each report is written (done, total) and once listing is finished (0, total).
  std::function<void(std::size_t, std::size_t)> progress = {};
};
struct ExportResult {
  Manifest manifest;
  std::string manifest_sha256;
  std::vector<std::string> verified_by;  // node URL whose receipt verified, per item
};
// Lists GET /v1/reports?org&period[&template] page by page (what `c`'s session may read),
// fetches each report's receipt verified against the client's trust anchor, checks that the
// listing agrees with what the receipt proves, and writes the bundle. Codes: no_trust_anchor,
// bad_response (the listing has rows outside the query or that the receipts contradict),
// out_not_empty, write_failed, and the node client's codes.
Result<ExportResult> export_bundle(NodeClient& c, const Identity& exporter, const ExportOptions& o);

// ---------------------------------------------------------------- verifying

// What verify_bundle found about one manifest item.
struct ItemVerdict {
  std::string report_id;
  bool ok = false;
  std::string failure;              // the first check that failed ("" when ok)
  std::vector<std::string> checks;  // the checks that passed, in order
  // What the bundle proves about the item's organization (never a failure by itself).
  bool org_proven = false;
  std::string org_note;
  std::size_t commit_signatures = 0;
};

// A finding about a file rather than an item: manifest.json, or a file no item names.
struct FileFinding {
  std::string file;  // relative to the bundle directory
  std::string reason;
};

struct BundleVerdict {
  std::string dir;
  std::optional<Manifest> manifest;  // absent when manifest.json did not parse
  std::vector<std::string> manifest_checks;
  std::vector<FileFinding> errors;   // manifest.json and stray files
  std::vector<std::string> ignored;  // top-level entries other than the bundle's own
  std::vector<ItemVerdict> items;

  bool ok() const;
  std::size_t failed_items() const;
};

// Entirely offline: reads the directory, checks it against `anchor` and nothing else. An
// Error only when `dir` is not a directory (code no_bundle); every other problem is a finding
// in the verdict.
Result<BundleVerdict> verify_bundle(const std::string& dir, const ledger::TrustAnchor& anchor);

// Reads a regular file (not a symlink, FIFO or directory) of at most `max_bytes`. Codes:
// file_not_found, not_a_file, file_too_large, read_failed.
Result<std::string> read_bounded(const std::string& path, std::size_t max_bytes);
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);

}  // namespace rl::client::bundle
