#pragma once
// Size limits on everything that reaches the ledger from outside. A value over a limit is
// rejected with a clear error before it is parsed further.

#include <cstddef>
#include <cstdint>

#include "consensus/validator_set.hpp"

namespace rl::ledger::limits {

inline constexpr std::size_t kMaxTxBytes = 512 * 1024;
inline constexpr std::size_t kMaxIdBytes = 64;  // org / account / template ids
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxPeriodBytes = 32;
inline constexpr std::size_t kMaxCertificateBytes = 8 * 1024;
inline constexpr std::size_t kMaxChainCertificates = 4;
inline constexpr std::size_t kMaxReportPayloadBytes = 256 * 1024;
inline constexpr std::size_t kMaxBlockTxs = 20000;
// genesis block.tx_expiry_window: about a day of blocks at 1 s. Replay records are bounded by
// (window + 1) * max_txs, so a larger window only buys memory.
inline constexpr std::uint64_t kMaxTxExpiryWindow = 100000;
inline constexpr std::size_t kMaxBlockBytes = 64 * 1024 * 1024;
inline constexpr std::size_t kMaxGenesisBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxReceiptBytes = 2 * 1024 * 1024;
inline constexpr std::size_t kMaxQueryLimit = 1000;
inline constexpr std::size_t kMaxReasonBytes = 256;    // revocation / suspension reasons
inline constexpr std::size_t kMaxTrustedRoots = 32;    // genesis + governance-added roots
inline constexpr std::size_t kMaxTemplateFields = 64;  // required fields of one template
// A template file (JSON): its definition, masks, calendar and table schema.
inline constexpr std::size_t kMaxTemplateJsonBytes = 128 * 1024;
inline constexpr std::uint32_t kMaxReportVersions = 1000;  // versions in one correction chain
inline constexpr std::size_t kMaxReviewReasons = 16;
// Large CSV datasets in chunks (ledger/report_chunks.hpp): 256 KiB a chunk, at most 8192 chunks
// (2 GiB) a report; the header record every chunk carries is at most 64 KiB.
inline constexpr std::size_t kMaxChunkBytes = 256 * 1024;
inline constexpr std::size_t kMaxReportChunks = 8192;
inline constexpr std::size_t kMaxChunkHeaderBytes = 64 * 1024;
// Filing extensions and third-party grants end at most this long after the block that made them.
inline constexpr std::int64_t kMaxGrantMs = 400LL * 86'400'000;
// Validator sets changed by governance. The consensus core precomputes one proposer slot per
// unit of power and caps the total (consensus::kMaxTotalPower, 2^16); a validator set is the
// core's type (ledger/validator_keys.hpp), so the bound is that one. 100 validators is far
// above what all-to-all gossip serves well and keeps receipts' handoff member lists short.
inline constexpr std::size_t kMaxValidators = 100;
inline constexpr std::uint64_t kMaxValidatorSetPower = consensus::kMaxTotalPower;

}  // namespace rl::ledger::limits
