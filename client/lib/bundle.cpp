#include "client/lib/bundle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "api/query_string.hpp"
#include "api/routes.hpp"
#include "client/lib/bundle_dataset.hpp"
#include "client/lib/strict_json.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "crypto/x509.hpp"
#include "ledger/tx.hpp"

namespace rl::client::bundle {

using api::Route;
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using strict_json::Fields;
using strict_json::is_lower_hex;
using strict_json::parse_strict_json;

constexpr std::string_view kSignTag = "regledger export manifest v1\n";
constexpr std::size_t kMaxDepth = 4;  // manifest -> items -> item; signature -> chain
constexpr std::size_t kMaxChainIdBytes = 128;
constexpr std::size_t kMaxSignatureBytes = 256;

Error bad_manifest(const std::string& why) {
  return make_error("bad_manifest", why);
}

std::string payload_path(const std::string& dir, const std::string& id) {
  return (fs::path(dir) / kReportsDir / (id + ".payload")).string();
}
std::string receipt_path(const std::string& dir, const std::string& id) {
  return (fs::path(dir) / kReceiptsDir / (id + ".json")).string();
}
std::string dataset_path(const std::string& dir, const std::string& id) {
  return (fs::path(dir) / kReportsDir / (id + kDatasetSuffix)).string();
}
std::string layout_path(const std::string& dir, const std::string& id) {
  return (fs::path(dir) / kReportsDir / (id + kLayoutSuffix)).string();
}
std::string payload_name(const std::string& id) {
  return std::string(kReportsDir) + "/" + id + ".payload";
}
std::string receipt_name(const std::string& id) {
  return std::string(kReceiptsDir) + "/" + id + ".json";
}

// The characters of organization, template and period ids that go into a query string as
// they are.
bool is_query_value(std::string_view s) {
  return !s.empty() && s.size() <= ledger::limits::kMaxIdBytes &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '.' || c == '_' || c == '-' || c == ':';
         });
}

json item_json(const Item& it) {
  json j = {{"report_id", it.report_id},
            {"org_id", it.org_id},
            {"submitter", it.submitter},
            {"template_id", it.template_id},
            {"period", it.period},
            {"batch", it.batch},
            {"content_type", it.content_type},
            {"sealed", it.sealed},
            {"payload_sha256", it.payload_sha256},
            {"payload_bytes", it.payload_bytes},
            {"receipt_sha256", it.receipt_sha256},
            {"height", it.height},
            {"tx_index", it.tx_index},
            {"block_time_ms", it.block_time_ms}};
  if (!it.dataset_sha256.empty()) {
    j["dataset_sha256"] = it.dataset_sha256;
    j["dataset_bytes"] = it.dataset_bytes;
  }
  return j;
}

// Every field but the signature (nlohmann's objects keep their keys sorted: one text per
// manifest).
json body_json(const Manifest& m) {
  json items = json::array();
  for (const auto& it : m.items) items.push_back(item_json(it));
  return {{"format", kFormat},
          {"version", m.version},
          {"chain_id", m.chain_id},
          {"query",
           {{"org", m.query.org}, {"period", m.query.period}, {"template", m.query.template_id}}},
          {"exported_at_ms", m.exported_at_ms},
          {"exporter", m.exporter},
          {"items", std::move(items)}};
}

Result<Item> parse_item(const json& j, std::size_t index) {
  const std::string where = "items[" + std::to_string(index) + "]";
  if (!j.is_object()) return bad_manifest(where + " must be an object");
  Fields f(j, where, "bad_manifest");
  Item it;
  namespace lim = ledger::limits;
  RL_ASSIGN_OR_RETURN(it.report_id, f.hex("report_id", 64));
  RL_ASSIGN_OR_RETURN(it.org_id, f.str("org_id", lim::kMaxIdBytes));
  RL_ASSIGN_OR_RETURN(it.submitter, f.str("submitter", lim::kMaxIdBytes));
  RL_ASSIGN_OR_RETURN(it.template_id, f.str("template_id", lim::kMaxIdBytes));
  RL_ASSIGN_OR_RETURN(it.period, f.str("period", lim::kMaxPeriodBytes));
  RL_ASSIGN_OR_RETURN(it.batch, f.str("batch", lim::kMaxNameBytes, true));
  RL_ASSIGN_OR_RETURN(it.content_type, f.str("content_type", lim::kMaxNameBytes, true));
  RL_ASSIGN_OR_RETURN(it.sealed, f.boolean("sealed"));
  RL_ASSIGN_OR_RETURN(it.payload_sha256, f.hex("payload_sha256", 64));
  RL_ASSIGN_OR_RETURN(it.payload_bytes, f.uint("payload_bytes", kMaxPayloadBytes));
  RL_ASSIGN_OR_RETURN(it.receipt_sha256, f.hex("receipt_sha256", 64));
  RL_ASSIGN_OR_RETURN(it.height, f.uint("height", UINT64_MAX));
  RL_ASSIGN_OR_RETURN(auto index_in_block, f.uint("tx_index", UINT32_MAX));
  it.tx_index = static_cast<std::uint32_t>(index_in_block);
  RL_ASSIGN_OR_RETURN(it.block_time_ms, f.int64("block_time_ms"));
  if (f.has("dataset_sha256")) {
    RL_ASSIGN_OR_RETURN(it.dataset_sha256, f.hex("dataset_sha256", 64));
    RL_ASSIGN_OR_RETURN(it.dataset_bytes, f.uint("dataset_bytes", kMaxDatasetBytes));
  }
  RL_TRY(f.check_keys());
  return it;
}

Result<Bytes> b64(const json& v, const std::string& what, std::size_t max) {
  if (!v.is_string() || v.get_ref<const std::string&>().size() > (max / 3 + 1) * 4) {
    return bad_manifest(what + " must be base64 of at most " + std::to_string(max) + " bytes");
  }
  auto b = from_base64(v.get_ref<const std::string&>());
  if (!b.ok() || b->empty()) return bad_manifest(what + " is not base64");
  return std::move(b).value();
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

// ------------------------------------------------------------------- manifest

Bytes manifest_signed_bytes(const Manifest& m) {
  Bytes out = to_bytes(kSignTag);
  auto body = body_json(m).dump();
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Status sign_manifest(Manifest& m, const Identity& exporter) {
  m.exporter = exporter.account;
  m.signer_chain = {exporter.cert.to_der()};
  RL_ASSIGN_OR_RETURN(m.signature, crypto::sign(exporter.key, manifest_signed_bytes(m)));
  return {};
}

std::string manifest_to_json(const Manifest& m) {
  json j = body_json(m);
  json chain = json::array();
  for (const auto& c : m.signer_chain) chain.push_back(to_base64(c));
  j["signature"] = {{"signer_chain", std::move(chain)}, {"value", to_base64(m.signature)}};
  return j.dump(2) + "\n";
}

Result<Manifest> parse_manifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes) {
    return bad_manifest("larger than " + std::to_string(kMaxManifestBytes) + " bytes");
  }
  RL_ASSIGN_OR_RETURN(json j, parse_strict_json(text, kMaxDepth, "bad_manifest"));

  Manifest m;
  Fields f(j, "manifest", "bad_manifest");
  RL_ASSIGN_OR_RETURN(auto format, f.str("format", 64));
  if (format != kFormat) return bad_manifest("format is '" + format + "', not " + kFormat);
  RL_ASSIGN_OR_RETURN(m.version, f.uint("version", UINT64_MAX));
  if (m.version != kVersion) {
    return bad_manifest("version " + std::to_string(m.version) + " is not supported (only " +
                        std::to_string(kVersion) + ")");
  }
  RL_ASSIGN_OR_RETURN(m.chain_id, f.str("chain_id", kMaxChainIdBytes));
  {
    RL_ASSIGN_OR_RETURN(const json* q, f.object("query"));
    Fields qf(*q, "query", "bad_manifest");
    RL_ASSIGN_OR_RETURN(m.query.org, qf.str("org", ledger::limits::kMaxIdBytes));
    RL_ASSIGN_OR_RETURN(m.query.period, qf.str("period", ledger::limits::kMaxPeriodBytes));
    RL_ASSIGN_OR_RETURN(m.query.template_id, qf.str("template", ledger::limits::kMaxIdBytes, true));
    RL_TRY(qf.check_keys());
  }
  RL_ASSIGN_OR_RETURN(m.exported_at_ms, f.int64("exported_at_ms"));
  if (m.exported_at_ms < 0) return bad_manifest("exported_at_ms is negative");
  RL_ASSIGN_OR_RETURN(m.exporter, f.str("exporter", ledger::limits::kMaxIdBytes));
  {
    RL_ASSIGN_OR_RETURN(const json* items, f.array("items", kMaxItems));
    std::set<std::string> ids;
    m.items.reserve(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
      RL_ASSIGN_OR_RETURN(auto item, parse_item((*items)[i], i));
      if (!ids.insert(item.report_id).second) {
        return bad_manifest("report " + item.report_id + " is listed twice");
      }
      m.items.push_back(std::move(item));
    }
  }
  {
    RL_ASSIGN_OR_RETURN(const json* sig, f.object("signature"));
    Fields sf(*sig, "signature", "bad_manifest");
    RL_ASSIGN_OR_RETURN(const json* chain, sf.array("signer_chain", kMaxSignerChain));
    if (chain->empty()) return bad_manifest("signature: signer_chain is empty");
    for (const auto& c : *chain) {
      RL_ASSIGN_OR_RETURN(auto der, b64(c, "signature: a signer_chain certificate",
                                        ledger::limits::kMaxCertificateBytes));
      m.signer_chain.push_back(std::move(der));
    }
    RL_ASSIGN_OR_RETURN(auto value, sf.str("value", (kMaxSignatureBytes / 3 + 1) * 4));
    RL_ASSIGN_OR_RETURN(m.signature, b64(json(value), "signature: value", kMaxSignatureBytes));
    RL_TRY(sf.check_keys());
  }
  RL_TRY(f.check_keys());
  // One text per manifest: whitespace, key order, number and string spellings, base64 are
  // exactly what export writes, so no byte of the file is outside what the checks cover.
  if (manifest_to_json(m) != text) {
    return bad_manifest("not in the canonical form export writes (edited after export?)");
  }
  return m;
}

Status verify_manifest_signature(const Manifest& m, const ledger::TrustAnchor& anchor) {
  auto invalid = [](const std::string& why) { return make_error("manifest_invalid", why); };
  if (m.signer_chain.empty()) return invalid("no signer certificate");
  auto leaf = crypto::Certificate::from_der(m.signer_chain[0]);
  if (!leaf.ok()) return invalid("the signer certificate does not decode");
  std::vector<crypto::Certificate> intermediates = anchor.intermediates;
  for (std::size_t i = 1; i < m.signer_chain.size(); ++i) {
    auto c = crypto::Certificate::from_der(m.signer_chain[i]);
    if (!c.ok()) return invalid("a signer chain certificate does not decode");
    intermediates.push_back(std::move(c).value());
  }
  auto chain_ok =
      crypto::verify_chain(*leaf, intermediates, anchor.roots, {}, m.exported_at_ms / 1000);
  if (!chain_ok.ok()) {
    return invalid("the signer certificate does not chain to a genesis root at export time: " +
                   chain_ok.error().message);
  }
  if (leaf->subject().common_name != m.exporter) {
    return invalid("the signer certificate is for '" + leaf->subject().common_name +
                   "', not the exporter '" + m.exporter + "'");
  }
  if (!crypto::verify(leaf->public_key(), manifest_signed_bytes(m), m.signature)) {
    return invalid("the exporter's signature does not verify (the manifest was changed)");
  }
  return {};
}

// ------------------------------------------------------------------- files

std::string sha256_hex(std::string_view data) {
  return to_hex(crypto::sha256(as_bytes(data)));
}

Result<std::string> read_bounded(const std::string& path, std::size_t max_bytes) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return make_error("file_not_found", path + " is missing");
  }
  if (!S_ISREG(st.st_mode)) return make_error("not_a_file", path + " is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return make_error("file_too_large",
                      path + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return make_error("read_failed", path + ": " + std::strerror(errno));
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return make_error("read_failed", path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    // The file may grow after lstat: the limit holds for what is read.
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return make_error("file_too_large",
                        path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

// ------------------------------------------------------------------- writing

Result<Entry> entry_from_receipt(const ledger::TrustAnchor& anchor, const std::string& org_id,
                                 const ledger::Receipt& receipt) {
  RL_ASSIGN_OR_RETURN(auto v, ledger::verify_receipt(anchor, receipt));
  RL_ASSIGN_OR_RETURN(auto tx, ledger::decode_tx(anchor.suite, receipt.tx));
  if (!tx.body.has_submit_report()) {
    return make_error("not_a_report", "tx " + v.tx_id_hex + " is a " + v.payload_kind +
                                          ", not a report submission");
  }
  const auto& sr = tx.body.submit_report();
  Entry e;
  e.payload = sr.payload();
  e.receipt_json = ledger::receipt_to_json(receipt);
  e.commit_signatures = v.commit_signatures;
  e.report = sr;
  Item& it = e.item;
  it.report_id = v.tx_id_hex;
  it.org_id = org_id;
  it.submitter = v.signer;
  it.template_id = sr.template_id();
  it.period = sr.period();
  it.batch = sr.batch();
  it.content_type = sr.content_type();
  it.sealed = sr.has_seal();
  it.payload_sha256 = sha256_hex(e.payload);
  it.payload_bytes = e.payload.size();
  it.receipt_sha256 = sha256_hex(e.receipt_json);
  it.height = receipt.height;
  it.tx_index = receipt.index;
  it.block_time_ms = v.block_time_ms;
  return e;
}

Status prepare_dir(const std::string& dir, bool force) {
  std::error_code ec;
  auto st = fs::symlink_status(dir, ec);
  if (!ec && fs::exists(st)) {
    if (!fs::is_directory(fs::status(dir, ec))) {
      return make_error("out_not_empty", dir + " exists and is not a directory");
    }
    bool empty = fs::is_empty(dir, ec);
    if (ec) return make_error("write_failed", dir + ": " + ec.message());
    if (!empty) {
      if (!force) {
        return make_error("out_not_empty",
                          dir + " is not empty (use --force to replace an earlier export there)");
      }
      for (const char* name : {kManifestFile, "manifest.json.tmp", kReportsDir, kReceiptsDir}) {
        fs::remove_all(fs::path(dir) / name, ec);
        if (ec) return make_error("write_failed", "cannot remove " + dir + "/" + name);
      }
    }
  }
  for (const char* sub : {kReportsDir, kReceiptsDir}) {
    fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) return make_error("write_failed", "cannot create " + dir + "/" + sub);
  }
  return {};
}

Status write_entry(const std::string& dir, const Entry& e) {
  RL_TRY(write_file_atomic(payload_path(dir, e.item.report_id), e.payload, false));
  RL_TRY(write_file_atomic(receipt_path(dir, e.item.report_id), e.receipt_json, false));
  return {};
}

Result<std::string> write_manifest(const std::string& dir, Manifest& m, const Identity& exporter) {
  RL_TRY(sign_manifest(m, exporter));
  auto text = manifest_to_json(m);
  RL_TRY(write_file_atomic((fs::path(dir) / kManifestFile).string(), text, false));
  return sha256_hex(text);
}

namespace {

struct Row {
  std::string report_id, org, submitter, template_id, period;
  std::uint64_t height = 0, tx_index = 0;
  bool sealed = false;
};

Result<Row> parse_row(const json& j, const Query& q, const std::string& url) {
  auto bad = [&](const std::string& why) {
    return make_error("bad_response", url + ": report listing: " + why);
  };
  if (!j.is_object()) return bad("a row is not an object");
  auto s = [&](const char* k) -> std::optional<std::string> {
    auto it = j.find(k);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto u = [&](const char* k) -> std::optional<std::uint64_t> {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
    return it->get<std::uint64_t>();
  };
  Row r;
  auto id = s("report_id"), org = s("org"), sub = s("submitter"), tmpl = s("template"),
       period = s("period");
  auto height = u("height"), index = u("tx_index");
  auto sealed = j.find("sealed");
  if (!id || !org || !sub || !tmpl || !period || !height || !index || sealed == j.end() ||
      !sealed->is_boolean()) {
    return bad("a row lacks a field or has one of the wrong type");
  }
  if (!is_lower_hex(*id, 64)) return bad("report id '" + id->substr(0, 80) + "' is malformed");
  if (*org != q.org || *period != q.period || (!q.template_id.empty() && *tmpl != q.template_id)) {
    return bad("report " + *id + " (org " + *org + ", period " + *period + ", template " + *tmpl +
               ") is outside the query");
  }
  r.report_id = *id;
  r.org = *org;
  r.submitter = *sub;
  r.template_id = *tmpl;
  r.period = *period;
  r.height = *height;
  r.tx_index = *index;
  r.sealed = sealed->get<bool>();
  return r;
}

// The listing's word against what the receipt proves.
Status check_row(const Row& r, const Item& it, const std::string& url) {
  std::vector<std::string> diff;
  if (r.submitter != it.submitter) diff.push_back("submitter");
  if (r.template_id != it.template_id) diff.push_back("template");
  if (r.period != it.period) diff.push_back("period");
  if (r.height != it.height) diff.push_back("height");
  if (r.tx_index != it.tx_index) diff.push_back("tx_index");
  if (r.sealed != it.sealed) diff.push_back("sealed");
  if (diff.empty()) return {};
  return make_error("bad_response", url + ": the listing of report " + r.report_id +
                                        " contradicts its verified receipt (" + join(diff, ", ") +
                                        ")");
}

// A chunked report's dataset and layout, next to its payload; the data is checked against the
// report's chunk ids before it takes its name.
Status write_dataset(NodeClient& c, const std::string& dir, Item& it,
                     const ledger::pb::SubmitReport& report) {
  const std::string final_path = dataset_path(dir, it.report_id);
  const std::string tmp = final_path + ".tmp";
  auto fetched = fetch_dataset(c, it.report_id, report, tmp);
  if (!fetched.ok()) {
    std::error_code ignored;
    fs::remove(tmp, ignored);  // what the node served and did not check out goes nowhere
    return make_error(fetched.error().code,
                      "report " + it.report_id + ": " + fetched.error().message);
  }
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) return make_error("write_failed", "cannot rename " + tmp + ": " + ec.message());
  RL_TRY(write_file_atomic(layout_path(dir, it.report_id), layout_to_json(fetched->layout), false));
  it.dataset_sha256 = fetched->check.sha256;
  it.dataset_bytes = fetched->check.bytes;
  return {};
}

}  // namespace

Result<ExportResult> export_bundle(NodeClient& c, const Identity& exporter,
                                   const ExportOptions& o) {
  if (!c.has_trust_anchor()) {
    return make_error("no_trust_anchor",
                      "export verifies every receipt: give the network's genesis (--genesis)");
  }
  const ledger::TrustAnchor& anchor = *c.trust_anchor();
  if (exporter.chain_id != anchor.chain_id) {
    return make_error("wrong_chain", "identity " + exporter.account + " is for chain " +
                                         exporter.chain_id + ", genesis is " + anchor.chain_id);
  }
  for (const auto* v : {&o.query.org, &o.query.period}) {
    if (!is_query_value(*v)) {
      return make_error("bad_query", "org and period are ids of 1-64 characters [A-Za-z0-9._:-]");
    }
  }
  if (!o.query.template_id.empty() && !is_query_value(o.query.template_id)) {
    return make_error("bad_query", "template is an id of 1-64 characters [A-Za-z0-9._:-]");
  }
  RL_TRY(prepare_dir(o.dir, o.force));

  api::QueryString query;
  query.add("limit", o.page_size)
      .add("org", o.query.org)
      .add("period", o.query.period)
      .add_if_set("template", o.query.template_id);
  std::vector<Row> rows;
  std::set<std::string> seen;
  std::set<std::string> cursors;
  std::string after;
  for (;;) {
    auto page_query = query;
    page_query.add_if_set("after", after);
    RL_ASSIGN_OR_RETURN(auto page,
                        c.get_json(api::route_path<Route::kReports>() + page_query.str()));
    const std::string url = c.current_url();
    if (!page.is_object() || !page.contains("reports") || !page["reports"].is_array()) {
      return make_error("bad_response", url + ": report listing lacks 'reports'");
    }
    for (const auto& j : page["reports"]) {
      RL_ASSIGN_OR_RETURN(auto row, parse_row(j, o.query, url));
      if (!seen.insert(row.report_id).second) {
        return make_error("bad_response", url + ": report " + row.report_id + " listed twice");
      }
      rows.push_back(std::move(row));
      if (rows.size() > kMaxItems) {
        return make_error("too_many_reports",
                          "more than " + std::to_string(kMaxItems) + " reports match");
      }
    }
    auto next = page.find("next");
    if (next == page.end()) break;
    if (!next->is_string()) return make_error("bad_response", url + ": 'next' is not a string");
    after = next->get<std::string>();
    if (after.empty()) break;
    if (!is_lower_hex(after, after.size()) || after.size() > 1024 ||
        !cursors.insert(after).second) {
      return make_error("bad_response", url + ": report listing cursor is malformed or repeats");
    }
  }
  if (o.progress) o.progress(0, rows.size());

  ExportResult out;
  Manifest& m = out.manifest;
  m.chain_id = anchor.chain_id;
  m.query = o.query;
  m.exported_at_ms = o.now_ms != 0 ? o.now_ms : rl::wall_now_ms();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    auto v = c.verified_receipt(row.report_id);
    if (!v.ok()) {
      return make_error(v.error().code, "report " + row.report_id + ": " + v.error().message);
    }
    RL_ASSIGN_OR_RETURN(auto entry, entry_from_receipt(anchor, row.org, v->receipt));
    RL_TRY(check_row(row, entry.item, v->url));
    RL_TRY(write_entry(o.dir, entry));
    if (entry.report.chunks_size() > 0) RL_TRY(write_dataset(c, o.dir, entry.item, entry.report));
    m.items.push_back(entry.item);
    out.verified_by.push_back(v->url);
    if (o.progress) o.progress(i + 1, rows.size());
  }
  RL_ASSIGN_OR_RETURN(out.manifest_sha256, write_manifest(o.dir, m, exporter));
  return out;
}

// ------------------------------------------------------------------- verifying

bool BundleVerdict::ok() const {
  return manifest.has_value() && errors.empty() && failed_items() == 0;
}

std::size_t BundleVerdict::failed_items() const {
  return static_cast<std::size_t>(
      std::count_if(items.begin(), items.end(), [](const ItemVerdict& v) { return !v.ok; }));
}

namespace {

// A chunked report's dataset files against the verified SubmitReport; "" when they hold.
std::string verify_dataset(const std::string& dir, const Item& it,
                           const ledger::pb::SubmitReport& sr) {
  const std::string data_name = std::string(kReportsDir) + "/" + it.report_id + kDatasetSuffix;
  const std::string layout_name = std::string(kReportsDir) + "/" + it.report_id + kLayoutSuffix;
  if (sr.chunks_size() == 0) {
    return "the manifest names a dataset, but the receipt's transaction is not a chunked report";
  }
  if (it.dataset_sha256.empty()) {
    return "the report is a dataset of " + std::to_string(sr.chunks_size()) +
           " chunks, and the manifest names no dataset for it";
  }
  auto text = read_bounded(layout_path(dir, it.report_id), kMaxLayoutBytes);
  if (!text.ok()) {
    return text.error().code == "file_not_found" ? layout_name + " is missing"
                                                 : layout_name + ": " + text.error().message;
  }
  auto layout = parse_layout(*text);
  if (!layout.ok()) return layout_name + ": " + layout.error().message;
  auto checked = check_dataset(dataset_path(dir, it.report_id), *layout, sr);
  if (!checked.ok()) {
    return checked.error().code == "file_not_found" ? data_name + " is missing"
                                                    : data_name + ": " + checked.error().message;
  }
  if (checked->sha256 != it.dataset_sha256 || checked->bytes != it.dataset_bytes) {
    return "dataset's sha256 or size differs from the manifest's";
  }
  return {};
}

// Runs the checks of one item in order; the first failure ends it.
ItemVerdict verify_item(const std::string& dir, const ledger::TrustAnchor& anchor,
                        const Manifest& m, const Item& it) {
  ItemVerdict out;
  out.report_id = it.report_id;
  auto fail = [&](std::string why) {
    out.failure = std::move(why);
    return out;
  };
  auto mismatch = [](const char* field, const std::string& manifest, const std::string& tx) {
    return std::string("manifest's ") + field + " '" + manifest +
           "' differs from the receipt's transaction ('" + tx + "')";
  };

  if (it.org_id != m.query.org || it.period != m.query.period ||
      (!m.query.template_id.empty() && it.template_id != m.query.template_id)) {
    return fail("outside the manifest's query (org " + it.org_id + ", period " + it.period +
                ", template " + it.template_id + ")");
  }
  out.checks.push_back("in the manifest's query");

  // The receipt: its file as the manifest hashed it, canonical, verifying against genesis.
  auto rtext = read_bounded(receipt_path(dir, it.report_id), kMaxReceiptBytes);
  if (!rtext.ok()) {
    return fail(rtext.error().code == "file_not_found"
                    ? receipt_name(it.report_id) + " is missing"
                    : receipt_name(it.report_id) + ": " + rtext.error().message);
  }
  if (sha256_hex(*rtext) != it.receipt_sha256) {
    return fail("receipt file's sha256 differs from the manifest's");
  }
  out.checks.push_back("receipt file sha256 matches the manifest");
  auto receipt = ledger::receipt_from_json(*rtext);
  if (!receipt.ok()) return fail("receipt does not parse: " + receipt.error().message);
  if (ledger::receipt_to_json(*receipt) != *rtext) {
    return fail("receipt file is not in the canonical form a verified receipt is saved in");
  }
  auto v = ledger::verify_receipt(anchor, *receipt);
  if (!v.ok()) return fail("receipt does not verify against genesis: " + v.error().message);
  out.commit_signatures = v->commit_signatures;
  out.checks.push_back("receipt verifies against genesis: the tx's Merkle path leads to block " +
                       std::to_string(v->height) +
                       "'s tx_root, the block's commit certificate "
                       "carries " +
                       std::to_string(v->commit_signatures) + " of " +
                       std::to_string(v->validators) +
                       " validators' signatures (> 2/3 of the power), and the signer's "
                       "certificate chains to a genesis root");

  // The transaction: a SubmitReport that is this report, with the manifest's fields.
  auto tx = ledger::decode_tx(anchor.suite, receipt->tx);
  if (!tx.ok()) return fail("the receipt's transaction does not decode: " + tx.error().message);
  if (!tx->body.has_submit_report()) {
    return fail("the receipt's transaction is a " + v->payload_kind + ", not a SubmitReport");
  }
  if (v->tx_id_hex != it.report_id) {
    return fail("the receipt is for tx " + v->tx_id_hex + ", not this report");
  }
  const auto& sr = tx->body.submit_report();
  if (it.submitter != v->signer) return fail(mismatch("submitter", it.submitter, v->signer));
  if (it.template_id != sr.template_id()) {
    return fail(mismatch("template_id", it.template_id, sr.template_id()));
  }
  if (it.period != sr.period()) return fail(mismatch("period", it.period, sr.period()));
  if (it.batch != sr.batch()) return fail(mismatch("batch", it.batch, sr.batch()));
  if (it.content_type != sr.content_type()) {
    return fail(mismatch("content_type", it.content_type, sr.content_type()));
  }
  if (it.sealed != sr.has_seal()) {
    return fail(it.sealed ? "manifest says sealed, the receipt's transaction is not"
                          : "manifest says not sealed, the receipt's transaction is sealed");
  }
  out.checks.push_back("the receipt's tx is the SubmitReport " + it.report_id + " signed by " +
                       v->signer + " (template " + sr.template_id() + ", period " + sr.period() +
                       ", content type " + sr.content_type() + (sr.has_seal() ? ", sealed" : "") +
                       ") as the manifest says");
  if (it.height != receipt->height || it.tx_index != receipt->index) {
    return fail("manifest's height/tx_index " + std::to_string(it.height) + "/" +
                std::to_string(it.tx_index) + " differ from the receipt's " +
                std::to_string(receipt->height) + "/" + std::to_string(receipt->index));
  }
  if (it.block_time_ms != v->block_time_ms) {
    return fail("manifest's block_time_ms " + std::to_string(it.block_time_ms) +
                " differs from the receipt's block time " + std::to_string(v->block_time_ms));
  }
  out.checks.push_back("height " + std::to_string(it.height) + ", tx index " +
                       std::to_string(it.tx_index) + " and block time match the receipt");

  // The payload file: the transaction's payload byte for byte.
  auto payload = read_bounded(payload_path(dir, it.report_id), kMaxPayloadBytes);
  if (!payload.ok()) {
    return fail(payload.error().code == "file_not_found"
                    ? payload_name(it.report_id) + " is missing"
                    : payload_name(it.report_id) + ": " + payload.error().message);
  }
  if (*payload != sr.payload()) return fail("payload differs from the receipt's transaction");
  if (sha256_hex(*payload) != it.payload_sha256 || payload->size() != it.payload_bytes) {
    return fail("payload's sha256 or size differs from the manifest's");
  }
  out.checks.push_back("payload (" + std::to_string(payload->size()) +
                       " bytes) equals the transaction's byte for byte" +
                       (it.sealed ? " (the sealed report's ciphertext)" : "") +
                       "; its sha256 matches the manifest");
  if (sr.chunks_size() > 0 || !it.dataset_sha256.empty()) {
    if (auto why = verify_dataset(dir, it, sr); !why.empty()) return fail(std::move(why));
    out.checks.push_back("dataset (" + std::to_string(it.dataset_bytes) + " bytes), cut as " +
                         it.report_id + kLayoutSuffix + " says, gives exactly the " +
                         std::to_string(sr.chunks_size()) +
                         " chunk ids the SubmitReport lists; its sha256 matches the manifest");
  }

  // The organization: the receipt proves the signing account, not which organization the
  // ledger has that account in.
  std::string cert_org;
  if (!receipt->signer_chain.empty()) {
    auto cert = crypto::Certificate::from_der(receipt->signer_chain[0]);
    if (cert.ok()) cert_org = cert->subject().organization;
  }
  out.org_proven = false;
  out.org_note = "org " + it.org_id + " is the ledger's record of account " + it.submitter +
                 " as the exporting node listed it; the receipt proves the signing account, "
                 "not its organization";
  if (!cert_org.empty()) {
    out.org_note += cert_org == it.org_id
                        ? " (the signer certificate names O=" + cert_org + ", consistent)"
                        : " (the signer certificate names O=" + cert_org + ", which differs)";
  }
  out.ok = true;
  return out;
}

}  // namespace

Result<BundleVerdict> verify_bundle(const std::string& dir, const ledger::TrustAnchor& anchor) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return make_error("no_bundle", dir + " is not a directory");
  BundleVerdict out;
  out.dir = dir;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    auto name = e.path().filename().string();
    if (name != kManifestFile && name != kReportsDir && name != kReceiptsDir) {
      out.ignored.push_back(name);
    }
  }
  std::sort(out.ignored.begin(), out.ignored.end());

  auto text = read_bounded((fs::path(dir) / kManifestFile).string(), kMaxManifestBytes);
  if (!text.ok()) {
    out.errors.push_back({kManifestFile, text.error().code == "file_not_found"
                                             ? "missing (an interrupted export writes none)"
                                             : text.error().message});
    return out;
  }
  auto parsed = parse_manifest(*text);
  if (!parsed.ok()) {
    out.errors.push_back({kManifestFile, parsed.error().message});
    return out;
  }
  out.manifest = std::move(parsed).value();
  const Manifest& m = *out.manifest;
  out.manifest_checks.push_back("parses strictly: format " + std::string(kFormat) + " version " +
                                std::to_string(m.version) + ", " + std::to_string(m.items.size()) +
                                " item(s), no unknown or duplicate keys or report ids, "
                                "canonical form");
  if (m.chain_id != anchor.chain_id) {
    out.errors.push_back(
        {kManifestFile,
         "chain_id '" + m.chain_id + "' is not the genesis chain '" + anchor.chain_id + "'"});
  } else {
    out.manifest_checks.push_back("chain_id " + m.chain_id + " is the genesis chain");
  }
  if (auto sig = verify_manifest_signature(m, anchor); !sig.ok()) {
    out.errors.push_back({kManifestFile, sig.error().message});
  } else {
    out.manifest_checks.push_back("signed by the exporter " + m.exporter +
                                  ", whose certificate chains to a genesis root at export time");
  }

  // Every file under reports/ and receipts/ must be one the manifest names.
  const std::size_t errors_before = out.errors.size();
  std::set<std::string> named_payloads, named_receipts;
  for (const auto& it : m.items) {
    named_payloads.insert(it.report_id + ".payload");
    named_receipts.insert(it.report_id + ".json");
    if (!it.dataset_sha256.empty()) {
      named_payloads.insert(it.report_id + kDatasetSuffix);
      named_payloads.insert(it.report_id + kLayoutSuffix);
    }
  }
  for (const auto& [sub, named] :
       {std::pair{kReportsDir, &named_payloads}, std::pair{kReceiptsDir, &named_receipts}}) {
    const auto path = fs::path(dir) / sub;
    auto st = fs::symlink_status(path, ec);
    if (ec || !fs::exists(st)) {
      if (!m.items.empty()) out.errors.push_back({sub, "directory is missing"});
      continue;
    }
    if (!fs::is_directory(st)) {
      out.errors.push_back({sub, "is not a directory"});
      continue;
    }
    std::vector<std::string> stray;
    for (const auto& e : fs::directory_iterator(path, ec)) {
      auto name = e.path().filename().string();
      if (!named->contains(name)) stray.push_back(name);
    }
    if (ec) out.errors.push_back({sub, "cannot be listed: " + ec.message()});
    std::sort(stray.begin(), stray.end());
    for (const auto& name : stray) {
      out.errors.push_back({std::string(sub) + "/" + name, "not named by the manifest"});
    }
  }
  if (out.errors.size() == errors_before) {
    out.manifest_checks.push_back("reports/ and receipts/ hold no file the manifest does not name");
  }

  for (const auto& it : m.items) out.items.push_back(verify_item(dir, anchor, m, it));
  return out;
}

}  // namespace rl::client::bundle
