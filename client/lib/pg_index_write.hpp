#pragma once
// The indexer's writing side: one block's rows and the indexer's new position in one SQL
// transaction, so that an indexer killed at any moment leaves the index at a block boundary
// and resumes exactly after the last block it wrote.

#include "client/lib/pg_conn.hpp"
#include "client/lib/pg_index_rows.hpp"
#include "client/lib/pg_schema.hpp"

namespace rl::client::pg {

// Writes `rows` as the block after `at` (the position the caller read) and returns the new
// position. Codes: index_moved (the index is no longer at `at`: another indexer wrote to this
// database meanwhile; nothing written), pg_error.
Result<IndexPosition> write_block(Connection& c, const IndexPosition& at, const BlockRows& rows);

}  // namespace rl::client::pg
