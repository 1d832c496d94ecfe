#include "client/lib/pg_conn.hpp"

namespace rl::client::pg {
namespace {

std::string pg_message(const PGconn* c) {
  std::string m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

Result<Connection> Connection::open(const std::string& url) {
  std::unique_ptr<PGconn, ConnCloser> c(PQconnectdb(url.c_str()));
  if (!c) return make_error("pg_connect", "out of memory");
  if (PQstatus(c.get()) != CONNECTION_OK) return make_error("pg_connect", pg_message(c.get()));
  Connection conn(std::move(c));
  // Notices ("relation already exists, skipping") are for a person at psql, not for the
  // indexer's output.
  RL_TRY(conn.exec_script("SET client_min_messages = warning"));
  return conn;
}

Result<Rows> Connection::check(std::unique_ptr<PGresult, ResultClearer> r,
                               const std::string& what) {
  if (!r) return make_error("pg_error", what + ": " + pg_message(c_.get()));
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    std::string m = PQresultErrorMessage(r.get());
    while (!m.empty() && m.back() == '\n') m.pop_back();
    return make_error("pg_error", what + ": " + m + " (SQLSTATE " + (state ? state : "?") + ")");
  }
  return Rows(std::move(r));
}

Result<Rows> Connection::exec(const std::string& sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& p : params.values()) values.push_back(p ? p->c_str() : nullptr);
  std::unique_ptr<PGresult, ResultClearer> r(
      PQexecParams(c_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                   nullptr, nullptr, /*resultFormat=*/0));
  // The statement's first words name it in an error without repeating any value.
  return check(std::move(r), sql.substr(0, sql.find('(')).substr(0, 60));
}

Status Connection::exec_script(const std::string& sql) {
  std::unique_ptr<PGresult, ResultClearer> r(PQexec(c_.get(), sql.c_str()));
  auto checked = check(std::move(r), sql.substr(0, 40));
  if (!checked.ok()) return checked.error();
  return {};
}

Result<Transaction> Transaction::begin(Connection& c) {
  RL_TRY(c.begin());
  return Transaction(c);
}

Status Transaction::commit() {
  Connection* c = c_;
  c_ = nullptr;  // after COMMIT, whatever it answered, there is nothing left to roll back
  return c->commit();
}

}  // namespace rl::client::pg
