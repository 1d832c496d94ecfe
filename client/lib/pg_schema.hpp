#pragma once
// The audit index's tables (documented column by column in docs/audit-sql.md) and the
// indexer's position in them.

#include <cstdint>
#include <optional>
#include <string>

#include "client/lib/pg_conn.hpp"

namespace rl::client::pg {

// Bumped whenever a table or column changes; an index of another version is refused rather
// than written into with a different meaning.
inline constexpr int kSchemaVersion = 1;

// Creates every table, index and view that does not exist yet (idempotent, one transaction).
Status ensure_schema(Connection& c);

// Where the indexer stopped: the last block written and its hash.
struct IndexPosition {
  std::string chain_id;
  std::string genesis_hash;  // hex
  std::string reader;        // the account whose API session the rows were read with
  std::uint64_t height = 0;
  std::string block_hash;  // hex; the genesis hash at height 0
};

// The position, or nullopt for a fresh index. Codes: pg_error, index_mismatch (the index
// holds another chain, another genesis, another reader's view, or another schema version:
// one database is one reader's view of one chain).
Result<std::optional<IndexPosition>> read_position(Connection& c, const IndexPosition& expect);

// Writes the position (inside the caller's transaction, with the block it follows).
Status write_position(Connection& c, const IndexPosition& p);

}  // namespace rl::client::pg
