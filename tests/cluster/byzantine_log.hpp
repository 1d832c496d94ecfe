#pragma once
// What a regledgerd_byzantine node says it did (node/validator/byzantine/behaviour.cpp logs it):
// one "byzantine proposal mode=M ... height=H round=R" line per proposal it sent the Byzantine
// way, and "byzantine summary mode=M sent=N" lines (every 5 s and at shutdown) with the messages
// sent per mode so far (lying_status adds the sync requests it received); with swallow_txs, one
// "byzantine swallowed tx id=X" line per client tx it answered as accepted and dropped.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rl::testing {

struct ByzantineProposal {
  std::string mode;
  std::string variant;  // bad_proposals: which forgery
  std::uint64_t height = 0;
  std::int64_t round = 0;
};

struct ByzantineLog {
  std::map<std::string, std::uint64_t> sent;  // by mode, from the last summary line
  std::uint64_t sync_requests = 0;            // received while lying (lying_status)
  std::vector<ByzantineProposal> proposals;
  std::vector<std::string> swallowed;  // tx ids (swallow_txs), in order
  // "double_vote=12 equivocate=3 ..." in mode name order.
  std::string sent_text() const;
};

ByzantineLog parse_byzantine_log(const std::string& text);

}  // namespace rl::testing
