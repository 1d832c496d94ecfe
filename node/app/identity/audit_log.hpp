#pragma once
// The node's append-only, hash-chained audit log of authentication decisions, in its own
// store (HOME/audit, apart from the chain's store so that it never touches consensus state;
// encrypted at rest like it, and backed up and rekeyed with it). Every append is written with
// sync=true before the decision it records is answered. Thread-safe.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/audit_chain.hpp"
#include "ledger/store.hpp"

namespace rl::node::identity {

class AuditLog {
 public:
  // Opens or creates the log at `path`; reads its last entry to continue the chain.
  // Codes: storage_error, storage_corrupt.
  static Result<std::unique_ptr<AuditLog>> open(const std::string& path,
                                                ledger::StoreOptions options = {});
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends an entry (seq, prev_hash and hash are assigned here). Code: storage_error.
  Result<api::AuditEntry> append(std::int64_t time_ms, std::string account, std::string event,
                                 std::string outcome, std::string code, std::string remote,
                                 std::string detail = {});
  // Entries with seq >= from, in order, at most `limit`. Code: storage_corrupt.
  Result<std::vector<api::AuditEntry>> read(std::uint64_t from, std::size_t limit) const;
  // Re-reads the whole log and checks every link and hash. Returns the number of entries.
  // Code: audit_tampered.
  Result<std::uint64_t> verify() const;
  std::uint64_t last_seq() const;
  // The store under the log, for backups and rekeying.
  ledger::Store& store() const { return *store_; }

  struct PrivateTag {};
  explicit AuditLog(PrivateTag);

 private:
  std::unique_ptr<ledger::Store> store_;
  mutable std::mutex mu_;
  std::uint64_t last_seq_ = 0;
  Bytes last_hash_;
};

// Key of entry `seq` in the log's database ("e/" || u64be seq); tests use it to tamper.
Bytes audit_key(std::uint64_t seq);

}  // namespace rl::node::identity
