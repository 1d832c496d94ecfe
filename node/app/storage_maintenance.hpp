#pragma once
// The node's storage maintenance jobs, one definition each for every way they run: the admin
// socket's commands, the schedule and the rekey resumed at startup inside a running node, and
// `regledgerd rekey|backup` on the stores directly when no node runs (docs/protection.md).
//
// Thread ownership: callers run one job at a time (regledgerd's storage-maintenance mutex): a
// rekey re-encrypts backup files and replaces the keystore a backup copies.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "ledger/chain.hpp"
#include "node/app/identity/audit_log.hpp"
#include "node/app/node_storage.hpp"

namespace rl::node {

using MaintenanceProgress = std::function<void(const std::string&)>;

// ledger::rekey of both stores and the backups under `backup_root`, then the backups' keystore
// copy is rewritten with the new keys. With `resume_only`, nothing happens unless a rotation is
// in progress (keys retiring): what a node runs at startup, so that a rekey an operator asked
// for meanwhile is not followed by a second one. Returns what it did, as the admin reply.
// Codes: encryption_off, and ledger::rekey's.
Result<nlohmann::json> rekey_node(const NodeStorage& storage, ledger::Store& chain,
                                  ledger::Store& audit, const std::string& backup_root,
                                  bool resume_only, const MaintenanceProgress& progress);

// backup_node (a backup, then retention) as the admin reply: the backup's info, the ids purged
// and the backup directory.
Result<nlohmann::json> backup_node_reply(const std::string& backup_root, const ledger::Chain& chain,
                                         const identity::AuditLog& audit,
                                         const NodeStorage& storage, std::uint32_t keep,
                                         const MaintenanceProgress& progress);

}  // namespace rl::node
