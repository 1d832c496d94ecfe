#include "ledger/tx_batch.hpp"

#include <string>

#include "ledger/limits.hpp"

namespace rl::ledger {

Result<std::vector<ByteView>> split_tx_batch(ByteView body) {
  if (body.empty()) return make_error("bad_batch", "the batch is empty");
  std::vector<ByteView> out;
  std::size_t at = 0;
  while (at < body.size()) {
    if (out.size() == kMaxBatchTxs) {
      return make_error("bad_batch",
                        "a batch carries at most " + std::to_string(kMaxBatchTxs) + " txs");
    }
    if (body.size() - at < 4) return make_error("bad_batch", "truncated length prefix");
    const std::size_t len = (std::size_t{body[at]} << 24) | (std::size_t{body[at + 1]} << 16) |
                            (std::size_t{body[at + 2]} << 8) | std::size_t{body[at + 3]};
    at += 4;
    if (len == 0 || len > limits::kMaxTxBytes) {
      return make_error("bad_batch", "entry " + std::to_string(out.size()) + " has length " +
                                         std::to_string(len) + "; allowed 1-" +
                                         std::to_string(limits::kMaxTxBytes));
    }
    if (body.size() - at < len) {
      return make_error("bad_batch",
                        "entry " + std::to_string(out.size()) + " runs past the end of the body");
    }
    out.push_back(body.subspan(at, len));
    at += len;
  }
  return out;
}

Bytes join_tx_batch(const std::vector<Bytes>& txs) {
  std::size_t total = 0;
  for (const auto& t : txs) total += 4 + t.size();
  Bytes out;
  out.reserve(total);
  for (const auto& t : txs) {
    const auto n = static_cast<std::uint32_t>(t.size());
    out.push_back(static_cast<std::uint8_t>(n >> 24));
    out.push_back(static_cast<std::uint8_t>(n >> 16));
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), t.begin(), t.end());
  }
  return out;
}

}  // namespace rl::ledger
