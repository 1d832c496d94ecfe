#include "node/app/identity/audit_log.hpp"

#include <rocksdb/db.h>
#include <spdlog/spdlog.h>

namespace rl::node::identity {
namespace {

Error db_error(const char* op, const rocksdb::Status& s) {
  return make_error("storage_error", std::string("audit log ") + op + ": " + s.ToString());
}

rocksdb::Slice slice(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

constexpr std::string_view kPrefix = "e/";

Result<AuditEntry> decode(const std::string& value, std::uint64_t seq_from_key) {
  auto j = nlohmann::json::parse(value, nullptr, false);
  auto e = audit_entry_from_json(j);
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

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(options, path, &raw);
  if (!s.ok()) return db_error("open", s);
  auto log = std::make_unique<AuditLog>(PrivateTag{});
  log->db_.reset(raw);
  log->last_hash_ = audit_genesis_hash();
  std::unique_ptr<rocksdb::Iterator> it(log->db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekToLast();
  if (it->Valid()) {
    auto key = it->key();
    if (key.size() != kPrefix.size() + 8 || !key.starts_with(rocksdb::Slice(kPrefix.data(), 2))) {
      return make_error("storage_corrupt", "audit log holds a foreign key");
    }
    auto seq = read_u64_be(ByteView(reinterpret_cast<const std::uint8_t*>(key.data()) + 2, 8));
    RL_ASSIGN_OR_RETURN(auto last, decode(it->value().ToString(), seq));
    log->last_seq_ = last.seq;
    log->last_hash_ = last.hash;
  }
  if (!it->status().ok()) return db_error("scan", it->status());
  return log;
}

AuditLog::AuditLog(PrivateTag) {}

AuditLog::~AuditLog() {
  if (db_) {
    auto s = db_->Close();
    (void)s;
  }
}

std::uint64_t AuditLog::last_seq() const {
  std::lock_guard lock(mu_);
  return last_seq_;
}

Result<AuditEntry> AuditLog::append(std::int64_t time_ms, std::string account, std::string event,
                                    std::string outcome, std::string code, std::string remote,
                                    std::string detail) {
  std::lock_guard lock(mu_);
  AuditEntry e;
  e.seq = last_seq_ + 1;
  e.time_ms = time_ms;
  e.account = std::move(account);
  e.event = std::move(event);
  e.outcome = std::move(outcome);
  e.code = std::move(code);
  e.remote = std::move(remote);
  e.detail = std::move(detail);
  e.prev_hash = last_hash_;
  e.hash = audit_entry_hash(e.prev_hash, e);
  rocksdb::WriteOptions wo;
  wo.sync = true;  // the decision is answered only once its record is durable
  auto value = audit_entry_to_json(e).dump();
  auto s = db_->Put(wo, slice(audit_key(e.seq)), value);
  if (!s.ok()) return db_error("append", s);
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  spdlog::info("audit seq={} account={} event={} outcome={} code={} remote={}", e.seq, e.account,
               e.event, e.outcome, e.code, e.remote);
  return e;
}

Result<std::vector<AuditEntry>> AuditLog::read(std::uint64_t from, std::size_t limit) const {
  std::vector<AuditEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  auto start = audit_key(std::max<std::uint64_t>(from, 1));
  for (it->Seek(slice(start)); it->Valid() && out.size() < limit; it->Next()) {
    auto key = it->key();
    if (key.size() != kPrefix.size() + 8) return make_error("storage_corrupt", "audit key");
    auto seq = read_u64_be(ByteView(reinterpret_cast<const std::uint8_t*>(key.data()) + 2, 8));
    RL_ASSIGN_OR_RETURN(auto e, decode(it->value().ToString(), seq));
    out.push_back(std::move(e));
  }
  if (!it->status().ok()) return db_error("read", it->status());
  return out;
}

Result<std::uint64_t> AuditLog::verify() const {
  constexpr std::size_t kPage = 1024;
  Bytes prev = audit_genesis_hash();
  std::uint64_t next = 1;
  std::uint64_t count = 0;
  for (;;) {
    auto page = read(next, kPage);
    if (!page.ok()) {
      // An entry that no longer decodes has been altered as surely as one whose hash is wrong.
      if (page.error().code == "storage_corrupt") {
        return make_error("audit_tampered", page.error().message);
      }
      return page.error();
    }
    if (page->empty()) break;
    if (page->front().seq != next) {
      return make_error("audit_tampered", "audit entry " + std::to_string(next) + " is missing");
    }
    RL_ASSIGN_OR_RETURN(prev, audit_verify_entries(*page, prev));
    count += page->size();
    next = page->back().seq + 1;
  }
  std::lock_guard lock(mu_);
  if (count != last_seq_) {
    return make_error("audit_tampered", "the log ends at " + std::to_string(count) + " but " +
                                            std::to_string(last_seq_) + " entries were written");
  }
  return count;
}

}  // namespace rl::node::identity
