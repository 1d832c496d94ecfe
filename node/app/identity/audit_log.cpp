#include "node/app/identity/audit_log.hpp"

#include <spdlog/spdlog.h>

#include "api/error_codes.hpp"
#include "node/http/json_error.hpp"

namespace rl::node::identity {
namespace {

using ledger::Cf;

constexpr std::string_view kPrefix = "e/";

Result<api::AuditEntry> decode(ByteView value, std::uint64_t seq_from_key) {
  auto j = nlohmann::json::parse(value.begin(), value.end(), nullptr, false);
  auto e = api::audit_entry_from_json(j);
  if (!e.ok() || e->seq != seq_from_key) {
    return make_error("storage_corrupt",
                      "audit entry " + std::to_string(seq_from_key) + " does not decode");
  }
  return e;
}

}  // namespace

Bytes audit_key(std::uint64_t seq) {
  Bytes k = to_bytes(kPrefix);
  append_u64_be(k, seq);
  return k;
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path,
                                                 ledger::StoreOptions options) {
  auto log = std::make_unique<AuditLog>(PrivateTag{});
  RL_ASSIGN_OR_RETURN(log->store_, ledger::Store::open(path, std::move(options)));
  log->last_hash_ = api::audit_genesis_hash();
  RL_ASSIGN_OR_RETURN(auto last, log->store_->last_with_prefix(Cf::kDefault, {}));
  if (last) {
    const Bytes& key = last->first;
    if (key.size() != kPrefix.size() + 8 ||
        !std::equal(kPrefix.begin(), kPrefix.end(), key.begin())) {
      return make_error("storage_corrupt", "audit log holds a foreign key");
    }
    auto seq = read_u64_be(ByteView(key).subspan(2, 8));
    RL_ASSIGN_OR_RETURN(auto entry, decode(last->second, seq));
    log->last_seq_ = entry.seq;
    log->last_hash_ = entry.hash;
  }
  return log;
}

AuditLog::AuditLog(PrivateTag) {}

AuditLog::~AuditLog() = default;

std::uint64_t AuditLog::last_seq() const {
  std::lock_guard lock(mu_);
  return last_seq_;
}

Result<api::AuditEntry> AuditLog::append(std::int64_t time_ms, std::string account,
                                         std::string event, std::string outcome, std::string code,
                                         std::string remote, std::string detail) {
  std::lock_guard lock(mu_);
  api::AuditEntry e;
  e.seq = last_seq_ + 1;
  e.time_ms = time_ms;
  e.account = std::move(account);
  e.event = std::move(event);
  e.outcome = std::move(outcome);
  e.code = std::move(code);
  e.remote = std::move(remote);
  e.detail = std::move(detail);
  e.prev_hash = last_hash_;
  e.hash = api::audit_entry_hash(e.prev_hash, e);
  ledger::WriteBatch batch;
  batch.put(Cf::kDefault, audit_key(e.seq), as_bytes(api::audit_entry_to_json(e).dump()));
  // sync: the decision is answered only once its record is durable.
  RL_TRY(store_->write(batch, true));
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  spdlog::info("audit seq={} account={} event={} outcome={} code={} remote={}", e.seq, e.account,
               e.event, e.outcome, e.code, e.remote);
  return e;
}

Result<std::vector<api::AuditEntry>> AuditLog::read(std::uint64_t from, std::size_t limit) const {
  std::vector<api::AuditEntry> out;
  if (limit == 0) return out;
  Status bad;
  // visit_prefix starts after `after`: start from the key before `from`.
  const Bytes after = audit_key(std::max<std::uint64_t>(from, 1) - 1);
  RL_TRY(store_->visit_prefix(Cf::kDefault, as_bytes(kPrefix), after,
                              [&](ByteView key, ByteView value) {
                                if (key.size() != kPrefix.size() + 8) {
                                  bad = make_error("storage_corrupt", "audit key");
                                  return false;
                                }
                                auto seq = read_u64_be(key.subspan(2, 8));
                                auto e = decode(value, seq);
                                if (!e.ok()) {
                                  bad = e.error();
                                  return false;
                                }
                                out.push_back(std::move(e).value());
                                return out.size() < limit;
                              }));
  RL_TRY(bad);
  return out;
}

Result<std::uint64_t> AuditLog::verify() const {
  constexpr std::size_t kPage = 1024;
  Bytes prev = api::audit_genesis_hash();
  std::uint64_t next = 1;
  std::uint64_t count = 0;
  for (;;) {
    auto page = read(next, kPage);
    if (!page.ok()) {
      // An entry that no longer decodes has been altered as surely as one whose hash is wrong.
      if (page.error().code == "storage_corrupt") {
        return http::api_error(api::ApiError::kAuditTampered, page.error().message);
      }
      return page.error();
    }
    if (page->empty()) break;
    if (page->front().seq != next) {
      return http::api_error(api::ApiError::kAuditTampered,
                             "audit entry " + std::to_string(next) + " is missing");
    }
    RL_ASSIGN_OR_RETURN(prev, api::audit_verify_entries(*page, prev));
    count += page->size();
    next = page->back().seq + 1;
  }
  std::lock_guard lock(mu_);
  if (count != last_seq_) {
    return http::api_error(api::ApiError::kAuditTampered,
                           "the log ends at " + std::to_string(count) + " but " +
                               std::to_string(last_seq_) + " entries were written");
  }
  return count;
}

}  // namespace rl::node::identity
