#pragma once
// `regledger index`: follows the chain from the nodes, verifying every header and commit
// certificate against the genesis file, and writes what the reader's session may read into
// PostgreSQL (docs/audit-sql.md, decision 0068). Each block is one SQL transaction with the
// indexer's position, so a run that is killed resumes exactly after the last block written.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "client/lib/node_client.hpp"

namespace rl::client::pg {

struct IndexOptions {
  std::string postgres_url;
  // The account whose session reads the API ("" when the nodes serve reads without sessions):
  // recorded in the index, which then only takes rows read as that account.
  std::string reader;
  bool follow = false;  // keep following the head instead of stopping at it
  std::chrono::milliseconds poll{1000};
};

struct IndexProgress {
  std::uint64_t height = 0;  // last block written
  std::uint64_t head = 0;    // the head the nodes reported
  std::uint64_t txs = 0;     // transaction rows written in this run
  std::uint64_t reports = 0;
};

struct IndexSummary {
  std::uint64_t start_height = 0;  // where the index was when the run began
  std::uint64_t height = 0;        // where it is now
  std::string block_hash;
  std::uint64_t blocks = 0, txs = 0, reports = 0, audit_entries = 0;
  // Set when the reader may not read the node's audit log (only supervisors may).
  bool audit_skipped = false;
};

// Runs until the head (or, following, until the process is stopped). `progress` is called
// after every block written. Codes: block_refused (nothing of that block written), not_ready
// (without follow: a node could not answer), index_mismatch, index_moved, audit_tampered,
// pg_connect, pg_error, and the client's session codes.
Result<IndexSummary> run_index(NodeClient& client, const IndexOptions& options,
                               const std::function<void(const IndexProgress&)>& progress);

}  // namespace rl::client::pg
