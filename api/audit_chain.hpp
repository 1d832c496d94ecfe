#pragma once
// The audit log's entries and their hash chain, without storage: the node appends with it and
// a client re-verifies entries fetched over the API with it (`regledger audit verify`).
//
//   hash(e) = SHA-256(prev_hash || canonical(e))
//   canonical(e) = "regledger/audit/v1\0" || u64be seq || u64be time_ms || for each of
//                  account, event, outcome, code, remote: u32be length || bytes
//                  [|| u32be length || detail, only when detail is not empty]
//
// The detail came later (third-party calls, decision 0060): leaving it out of the canonical
// form when it is empty keeps every entry written before it verifying as it did.
//
// The first entry (seq 1) has a prev_hash of 32 zero bytes.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/result.hpp"

namespace rl::api {

struct AuditEntry {
  std::uint64_t seq = 0;
  std::int64_t time_ms = 0;
  std::string account;
  std::string event;    // challenge | login | lockout | logout | session | enroll | ...
  std::string outcome;  // ok | refused
  std::string code;     // error code when refused, empty when ok
  std::string remote;   // peer ip:port
  std::string detail;   // event-specific JSON (third-party calls: grant, route, hashes); or ""
  Bytes prev_hash;
  Bytes hash;
};

Bytes audit_genesis_hash();  // 32 zero bytes
Bytes audit_canonical(const AuditEntry& e);
Bytes audit_entry_hash(ByteView prev_hash, const AuditEntry& e);

nlohmann::json audit_entry_to_json(const AuditEntry& e);
// Code: bad_audit_entry.
Result<AuditEntry> audit_entry_from_json(const nlohmann::json& j);

// Checks that `entries` are consecutive from `entries[0].seq`, that each links to the previous
// (the first to `prev_hash`) and that each hash is what its fields give. Returns the hash of the
// last entry. Code: audit_tampered (the message names the first bad seq).
Result<Bytes> audit_verify_entries(const std::vector<AuditEntry>& entries, ByteView prev_hash);

}  // namespace rl::api
