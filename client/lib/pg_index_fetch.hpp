#pragma once
// The indexer's reading side: follows the chain through one reader's API session and turns
// each block into rows (pg_index_rows.hpp), verifying before it believes.
//
//  - The header and its commit certificate come from the public /v1/headers route and are
//    verified against the genesis trust anchor (NodeClient::verified_header: the genesis set,
//    or the set the validator handoffs establish from it), and the header must link to the
//    block the index holds below it.
//  - The transactions come from /v1/blocks as the reader may read them, checked against the
//    verified tx_root; a block the reader may not read whole contributes no transaction rows
//    except the reader's own report submissions, each proven by a verified receipt.
//  - Reports come from the reader's report events (/v1/events?stream=reports) and
//    /v1/reports/<id>, which answer only what the reader may read; each submission is checked
//    against the block's verified transactions (or its receipt): at its tx_index, signed by its
//    submitter, with its template, period, batch, correction link and sealing.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "client/lib/node_client.hpp"
#include "client/lib/pg_index_rows.hpp"

namespace rl::client::pg {

class BlockSource {
 public:
  explicit BlockSource(NodeClient& client) : c_(client) {}

  // The head height a node reports (unverified; every block up to it is verified on its own).
  Result<std::uint64_t> head();

  // Block `height`, which must follow the block whose hash is `prev_hash_hex`. Codes:
  //  - block_refused: a header, certificate, transaction list or report answer that does not
  //    verify, or a header that does not link to `prev_hash_hex` (the message names the
  //    height and what failed);
  //  - not_ready: no node could answer yet (unreachable, certificate not yet served);
  //  - the API's codes for a refused session (bad password, suspended account, ...).
  Result<BlockRows> fetch(std::uint64_t height, const std::string& prev_hash_hex);

 private:
  struct Event {
    std::string report_id, status;
  };
  // The reader's report events at `height`, from a cached answer that covers it.
  Result<std::vector<Event>> events_at(std::uint64_t height);
  Status add_txs(BlockRows& rows, const std::vector<Bytes>& txs);
  Status add_report_events(BlockRows& rows, const std::vector<Event>& events);
  Error refused(std::uint64_t height, const std::string& why) const;

  NodeClient& c_;
  // The current block's proven SubmitReport transactions by tx id, with their signers: what a
  // report answer is checked against.
  std::map<std::string, std::pair<std::string, ledger::pb::SubmitReport>> submissions_;
  std::map<std::uint64_t, std::vector<Event>> events_;
  std::uint64_t events_through_ = 0;  // events_ holds every event up to this height
};

}  // namespace rl::client::pg
