#include "node/app/identity/report_events.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "ledger/tx.hpp"

namespace rl::node::identity {
namespace {

using nlohmann::json;

void append_event(std::string& out, std::uint64_t id, const char* type, const json& data) {
  out += "id: " + std::to_string(id) + "\nevent: " + type + "\ndata: " + data.dump() + "\n\n";
}

// The report a transaction submitted or reviewed, and the status it set; nullopt for others.
std::optional<std::pair<std::string, std::string>> report_event_of(const ledger::DecodedTx& tx) {
  if (tx.body.has_submit_report()) return std::pair{to_hex(tx.id), std::string("SUBMITTED")};
  if (tx.body.has_review_report()) {
    return std::pair{tx.body.review_report().report_id(), tx.body.review_report().decision()};
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> events_after(const ledger::Chain& chain, const OptionalReader& reader,
                                 EventStream stream, std::uint64_t after) {
  const std::uint64_t head = chain.head().height;
  std::uint64_t last = std::min(head, after + kMaxEventHeights);
  std::size_t decoded = 0;
  std::string out = "retry: " + std::to_string(kEventRetryMs) + "\n\n";
  const auto suite = chain.anchor().suite;
  for (std::uint64_t h = after + 1; h <= last; ++h) {
    RL_ASSIGN_OR_RETURN(auto raw, chain.block_bytes(h));
    if (!raw)
      return make_error("state_corrupt", "committed block " + std::to_string(h) + " missing");
    ledger::pb::Block block;
    ledger::pb::BlockHeader hdr;
    if (!block.ParseFromArray(raw->data(), static_cast<int>(raw->size())) ||
        !hdr.ParseFromString(block.header())) {
      return make_error("state_corrupt",
                        "committed block " + std::to_string(h) + " does not decode");
    }
    if (stream == EventStream::kBlocks) {
      append_event(out, h, "block",
                   {{"height", h},
                    {"block_hash", to_hex(crypto::hash(suite, as_bytes(block.header())))},
                    {"time_ms", hdr.time_ms()},
                    {"tx_count", hdr.tx_count()}});
      continue;
    }
    // Stop before a block that would pass the budget (but always read at least one).
    if (decoded > 0 && decoded + static_cast<std::size_t>(block.txs_size()) > kMaxEventTxs) {
      last = h - 1;
      break;
    }
    decoded += static_cast<std::size_t>(block.txs_size());
    for (const auto& tx_bytes : block.txs()) {
      RL_ASSIGN_OR_RETURN(auto tx, ledger::decode_tx(suite, as_bytes(tx_bytes)));
      auto ev = report_event_of(tx);
      if (!ev) continue;
      RL_ASSIGN_OR_RETURN(auto report, chain.report(ev->first));
      if (!report || !may_read_report(reader, *report)) continue;
      append_event(out, h, "report",
                   {{"report_id", report->report_id()},
                    {"status", ev->second},
                    {"org", report->org_id()},
                    {"template", report->template_id()},
                    {"period", report->period()},
                    {"version", report->version()},
                    {"late", report->late()},
                    {"height", h},
                    {"time_ms", hdr.time_ms()}});
    }
  }
  // The id of the last height read, so a reconnect resumes after it even when it had no event.
  if (last > after) {
    append_event(out, last, "caught-up", {{"height", last}, {"head", head}});
  }
  return out;
}

}  // namespace rl::node::identity
