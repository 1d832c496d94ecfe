#pragma once
// The node's authentication audit log (node/app/identity/audit_log.hpp) in the index: who
// logged in, and what third parties and key services released to whom ("who read what"). The
// log is per node and outside the chain; its entries are hash-chained, and every page is
// verified against the last entry the index holds for that node before it is written, with
// the node's new position in the same SQL transaction.

#include <cstdint>
#include <string>

#include "client/lib/node_client.hpp"
#include "client/lib/pg_conn.hpp"

namespace rl::client::pg {

// Copies the entries the index does not hold yet from the node the client is using. Returns
// how many were written. Codes: permission_denied (the log is for regulators and auditors:
// another reader's index has no audit rows), audit_tampered (the node's log does not chain to
// what the index holds), the client's codes, pg_error.
Result<std::uint64_t> index_audit_log(NodeClient& client, Connection& c);

// An entry's detail as the jsonb column takes it: a JSON object as it is, the empty detail as
// NULL (empty), anything else as a JSON string (logins with the keys scope were logged as the
// text "scope=keys" before they were logged as JSON; an older log must still index).
std::string detail_json(const std::string& detail);

}  // namespace rl::client::pg
