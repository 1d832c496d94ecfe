#pragma once
// A thin RAII layer over libpq for the audit index (docs/audit-sql.md): one owner for every
// PGconn and PGresult, errors as values, and statements only with parameters ($1, $2, ...):
// no value ever becomes part of SQL text.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rl::client::pg {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};

// One statement parameter in PostgreSQL's text form; nullopt is SQL NULL.
using Param = std::optional<std::string>;

// Parameters from C++ values: strings as they are, integers and booleans in their text form.
class Params {
 public:
  Params& text(std::string_view v) {
    values_.emplace_back(std::string(v));
    return *this;
  }
  // NULL when `v` is empty (ids that are absent, e.g. a first filing's `corrects`).
  Params& text_or_null(std::string_view v) {
    values_.push_back(v.empty() ? Param() : Param(std::string(v)));
    return *this;
  }
  Params& integer(std::int64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& unsigned_integer(std::uint64_t v) {
    values_.emplace_back(std::to_string(v));
    return *this;
  }
  Params& boolean(bool v) {
    values_.emplace_back(v ? "true" : "false");
    return *this;
  }
  const std::vector<Param>& values() const { return values_; }

 private:
  std::vector<Param> values_;
};

// A statement's outcome: rows of text values.
class Rows {
 public:
  explicit Rows(std::unique_ptr<PGresult, ResultClearer> r) : r_(std::move(r)) {}
  int count() const { return PQntuples(r_.get()); }
  int columns() const { return PQnfields(r_.get()); }
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) == 1; }
  std::string get(int row, int col) const { return PQgetvalue(r_.get(), row, col); }

 private:
  std::unique_ptr<PGresult, ResultClearer> r_;
};

class Connection {
 public:
  // `url`: a libpq connection string or postgresql:// URI. Code: pg_connect.
  static Result<Connection> open(const std::string& url);

  // A statement with parameters. Code: pg_error (with PostgreSQL's message and SQLSTATE).
  Result<Rows> exec(const std::string& sql, const Params& params = {});
  // Several statements without parameters (the schema); nothing but constant SQL text.
  Status exec_script(const std::string& sql);

  Status begin() { return exec_script("BEGIN"); }
  Status commit() { return exec_script("COMMIT"); }
  // Best effort: after a failed statement the transaction is already aborted.
  void rollback() { (void)exec_script("ROLLBACK"); }

 private:
  explicit Connection(std::unique_ptr<PGconn, ConnCloser> c) : c_(std::move(c)) {}
  Result<Rows> check(std::unique_ptr<PGresult, ResultClearer> r, const std::string& what);
  std::unique_ptr<PGconn, ConnCloser> c_;
};

// Rolls back unless committed: a block's rows and the indexer's position are written together
// or not at all, whichever way the writing code returns.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& c);
  Transaction(Transaction&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction() {
    if (c_ != nullptr) c_->rollback();
  }
  Status commit();

 private:
  explicit Transaction(Connection& c) : c_(&c) {}
  Connection* c_;
};

}  // namespace rl::client::pg
