// `regledger index` (docs/audit-sql.md) with the real binaries against a real PostgreSQL 15:
// four regledgerd validators with reports of two banks (rejected, corrected, accepted, late);
// the regulator's index holds exactly the ledger's blocks, transactions and reports, and the
// ten example queries of docs/audit-sql.md run on it (five compared with the ledger's
// answers); an indexer killed with SIGKILL resumes without duplicates; a genesis file whose
// validator keys differ is refused at block 1 with nothing written; a bank's index holds no
// other organization's report, and proves its own report in a block shared with another bank by
// the receipt. The lying-node refusals use the failover fixture's liar in
// front of one honest node.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "client/lib/node_client.hpp"
#include "client/lib/pg_conn.hpp"
#include "client/lib/pg_index_audit.hpp"
#include "common/civil_time.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "genesis/network_init.hpp"
#include "tests/client/cli_runner.hpp"
#include "tests/client/failover_fixture.hpp"
#include "tests/support/cluster.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/report_tx.hpp"
#include "tests/support/single_node.hpp"

extern char** environ;

namespace rl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kPassword = "a long account password\n";

// ------------------------------------------------------------------------------ SQL helpers

client::pg::Connection connect(const std::string& url) {
  auto c = client::pg::Connection::open(url);
  if (!c.ok()) throw std::runtime_error(c.error().to_string());
  return std::move(c).value();
}

// Every row of a query as text cells ("NULL" for NULL), in the query's order.
std::vector<std::vector<std::string>> rows_of(const std::string& url, const std::string& sql) {
  auto c = connect(url);
  auto r = c.exec(sql);
  if (!r.ok()) throw std::runtime_error(sql + ": " + r.error().to_string());
  std::vector<std::vector<std::string>> out;
  for (int i = 0; i < r->count(); ++i) {
    std::vector<std::string> row;
    for (int j = 0; j < r->columns(); ++j) row.push_back(r->is_null(i, j) ? "NULL" : r->get(i, j));
    out.push_back(std::move(row));
  }
  return out;
}

std::string scalar(const std::string& url, const std::string& sql) {
  auto rows = rows_of(url, sql);
  return rows.empty() ? "" : rows[0][0];
}

std::uint64_t count(const std::string& url, const std::string& table) {
  return std::stoull(scalar(url, "SELECT count(*) FROM " + table));
}

// The numbered queries of docs/audit-sql.md ("-- Qn: title" opening a ```sql block).
std::map<int, std::string> doc_queries() {
  auto text = read_file(std::string(RL_SOURCE_DIR) + "/docs/audit-sql.md").value();
  std::map<int, std::string> out;
  std::regex block("```sql\n(-- Q([0-9]+):[^`]*)```");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), block);
       it != std::sregex_iterator(); ++it) {
    out[std::stoi((*it)[2])] = (*it)[1];
  }
  return out;
}

std::string password_of(const std::string& identity_dir) {
  auto p = read_file(identity_dir + "/password").value();
  while (!p.empty() && p.back() == '\n') p.pop_back();
  return p;
}

void print_rows(const std::string& title, const std::vector<std::vector<std::string>>& rows) {
  std::cout << title << " (" << rows.size() << " rows)\n";
  for (const auto& row : rows) {
    std::cout << "  |";
    for (const auto& cell : row) std::cout << " " << cell << " |";
    std::cout << "\n";
  }
}

// ------------------------------------------------------------------ the `regledger index` run

// The indexer as a child process, so that it can be killed with SIGKILL mid-run.
class IndexerProcess {
 public:
  IndexerProcess(const std::vector<std::string>& args, const std::string& log) {
    std::vector<std::string> all{std::string(RL_BINARY_DIR) + "/client/regledger"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("posix_spawn regledger failed");
  }
  ~IndexerProcess() { kill9(); }
  IndexerProcess(const IndexerProcess&) = delete;
  IndexerProcess& operator=(const IndexerProcess&) = delete;
  bool exited() {
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
    return pid_ <= 0;
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// ------------------------------------------------------------------------------ the network

struct Net {
  PostgresServer pg{"index"};
  Cluster cluster{options()};
  std::string ca, admin, genesis, a_rep, b_rep;
  std::string a1, a1v2, b1, a_late, b_now;  // report ids
  std::string a_shared, b_shared;           // committed together in one block
  // Earlier tries of that pair that the proposer cut between two blocks: real reports too, so
  // every expectation about the ledger's reports counts them.
  std::vector<std::string> a_tries, b_tries;

  static ClusterOptions options() {
    ClusterOptions o;
    o.name = "pg-index";
    o.read_access = "session";
    return o;
  }
};

class PgIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = PostgresServer::unavailable_reason();
    if (!skip_.empty()) return;
    try {
      net_ = std::make_unique<Net>();
      net_->cluster.start_all();
      if (!net_->cluster.wait_height({0, 1, 2, 3}, 2, std::chrono::seconds(60))) {
        setup_error_ = "no blocks: " + net_->cluster.all_logs_tail();
        return;
      }
      setup_error_ = populate();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { net_.reset(); }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << "PostgreSQL 15 is not available: " << skip_;
    ASSERT_TRUE(net_ && setup_error_.empty()) << "network did not start: " << setup_error_;
  }

  static CliRun regledger(std::vector<std::string> args) {
    auto all = node_args(net_->cluster, net_->ca);
    all.insert(all.end(), args.begin(), args.end());
    return run_regledger(net_->cluster.dir(), {}, all);
  }
  static std::string ok(const std::vector<std::string>& args) {
    auto r = regledger(args);
    return r.exit_code == 0 ? "" : "`" + args[0] + " " + args[1] + "`: " + r.err;
  }
  static std::string tx_id(const CliRun& r, std::string* error) {
    std::smatch m;
    if (r.exit_code != 0 || !std::regex_search(r.out, m, std::regex("tx_id=([0-9a-f]{64})"))) {
      *error += "submit: " + r.err;
      return "";
    }
    return m[1];
  }

  static std::string enroll(const std::string& org, const std::string& account,
                            std::string* error) {
    const auto dir = net_->cluster.dir();
    const auto out = dir + "/ids/" + account;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"org", "register", "--as", net_->admin, "--id", org, "--name", org, "--kind",
              "institution"},
             {"account", "register", "--as", net_->admin, "--id", account, "--org", org, "--role",
              "reporter", "--permission", "0105", "--password-file", dir + "/accounts.pw"},
             {"account", "enroll", "--as", net_->admin, "--account", account, "--org", org,
              "--issuer-cert", dir + "/ca/issuing.pem", "--issuer-key", dir + "/ca/issuing.key",
              "--out", out}}) {
      *error += ok(args);
    }
    if (!write_file(out + "/password", kPassword, true).ok()) *error += "password file";
    return out;
  }

  static std::string submit(const std::string& as, const std::string& tmpl,
                            const std::string& period, int n, std::string* error,
                            const std::string& corrects = "") {
    const auto file = net_->cluster.dir() + "/report-" + std::to_string(n) + ".json";
    const std::string body = R"({"institution":"x","period":")" + period + R"(","cet1_ratio":1)" +
                             std::to_string(n) + R"(.5,"total_capital":)" +
                             std::to_string(1000 + n) + "}";
    if (!write_file(file, body).ok()) return "";
    std::vector<std::string> args{"report",   "submit", "--as",   as,   "--template", tmpl,
                                  "--period", period,   "--file", file, "--wait"};
    if (!corrects.empty()) {
      args.push_back("--corrects");
      args.push_back(corrects);
    }
    return tx_id(regledger(args), error);
  }

  // Two banks; a quarterly report of each; bank-a's rejected with reasons, corrected and the
  // correction accepted; bank-b's accepted; a monthly return of last month from bank-a (late:
  // the template's deadline is the period's end) and of this month from bank-b (on time, left
  // unreviewed).
  static std::string populate() {
    Net& n = *net_;
    n.ca = n.cluster.home(0) + "/ca.pem";
    n.genesis = n.cluster.home(0) + "/genesis.json";
    n.admin = n.cluster.dir() + "/accounts/regulator-admin";
    const auto dir = n.cluster.dir();
    if (!write_file(dir + "/accounts.pw", kPassword).ok()) return "password";
    const auto tmpl = dir + "/monthly.json";
    if (!write_file(tmpl, R"({"id":"monthly-liquidity","name":"Monthly liquidity return",
        "data_level_floor":2,"required_fields":["institution","period"],
        "calendar":{"frequency":"monthly","deadline_days":0,"utc_offset_minutes":0,
                    "grace_days":300}})")
             .ok()) {
      return "template file";
    }
    std::string err;
    n.a_rep = enroll("bank-a", "bank-a-rep", &err);
    n.b_rep = enroll("bank-b", "bank-b-rep", &err);
    err +=
        ok({"governance", "propose", "--as", n.admin, "--id", "monthly", "--add-template", tmpl});
    if (!err.empty()) return err;
    const std::int64_t now = rl::wall_now_ms();
    const std::string this_month = format_utc_ms(now).substr(0, 7);
    // The last day of last month is before the first of this one.
    const std::string first = this_month + "-01T00:00:00Z";
    auto first_ms = parse_utc_ms(first);
    if (!first_ms) return "parse " + first;
    const std::string last_month = format_utc_ms(*first_ms - 86'400'000).substr(0, 7);

    n.a1 = submit(n.a_rep, "capital-adequacy", "2026-Q3", 1, &err);
    n.b1 = submit(n.b_rep, "capital-adequacy", "2026-Q3", 2, &err);
    if (!err.empty()) return err;
    err += ok({"report", "review", n.a1, "--as", n.admin, "--reject", "--reason",
               "CET1 ratio below the floor", "--reason", "total capital unaudited"});
    n.a1v2 = submit(n.a_rep, "capital-adequacy", "2026-Q3", 3, &err, n.a1);
    if (!err.empty()) return err;
    err += ok({"report", "review", n.a1v2, "--as", n.admin, "--accept"});
    err += ok({"report", "review", n.b1, "--as", n.admin, "--accept"});
    n.a_late = submit(n.a_rep, "monthly-liquidity", last_month, 4, &err);
    n.b_now = submit(n.b_rep, "monthly-liquidity", this_month, 5, &err);
    if (!err.empty()) return err;
    err += submit_in_one_block(&n.a_shared, &n.b_shared, &n.a_tries, &n.b_tries);
    // A refused login, for the audit log (Q10).
    if (!write_file(dir + "/wrong.pw", "not the password\n").ok()) return "wrong password file";
    if (regledger({"--identity", n.b_rep, "--password-file", dir + "/wrong.pw", "login"})
            .exit_code == 0) {
      err += "a wrong password logged in";
    }
    return err;
  }

  // One report of each bank in a single batch request, so that they commit in one block: a
  // block bank-a may not read whole, whose bank-a report its index must prove by the receipt.
  // Tried again (at most three times) if the proposer cut the block between the two.
  static std::string submit_in_one_block(std::string* a_id, std::string* b_id,
                                         std::vector<std::string>* a_tries,
                                         std::vector<std::string>* b_tries) {
    const auto url = "https://127.0.0.1:" + std::to_string(net_->cluster.target(0).port);
    auto c = client::NodeClient::create({{url}, net_->cluster.ca_pem()});
    if (!c.ok()) return c.error().to_string();
    c->set_login(client::load_identity(net_->admin).value(), password_of(net_->admin));
    const auto chain_id = net_->cluster.genesis().chain_id;
    const auto a = client::load_identity(net_->a_rep).value();
    const auto b = client::load_identity(net_->b_rep).value();
    const std::string payload =
        R"({"institution":"x","period":"2026-Q3","cet1_ratio":14.5,"total_capital":1500})";
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto h = api_height(net_->cluster.target(0));
      auto ta = capital_adequacy_tx(a, chain_id, h, payload);
      auto tb = capital_adequacy_tx(b, chain_id, h, payload);
      if (!ta.ok() || !tb.ok()) return "build txs";
      auto r = c->submit_batch({*ta, *tb});
      if (!r.ok()) return r.error().to_string();
      if (!(*r)[0].contains("tx_id") || !(*r)[1].contains("tx_id")) return r->dump();
      *a_id = (*r)[0]["tx_id"].get<std::string>();
      *b_id = (*r)[1]["tx_id"].get<std::string>();
      auto ca = c->wait_committed(*a_id, std::chrono::seconds(30));
      auto cb = c->wait_committed(*b_id, std::chrono::seconds(30));
      if (!ca.ok() || !cb.ok()) return "batch not committed";
      if ((*ca)["height"] == (*cb)["height"]) return "";
      a_tries->push_back(*a_id);
      b_tries->push_back(*b_id);
    }
    return "the two banks' reports never committed in one block";
  }

  // `regledger ... index` as `as` into `url`.
  static CliRun index(const std::string& url, const std::string& as,
                      const std::string& genesis = "", std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--genesis",  genesis.empty() ? net_->genesis : genesis,
                                  "--json",     "index",
                                  "--postgres", url,
                                  "--as",       as};
    args.insert(args.end(), extra.begin(), extra.end());
    return regledger(args);
  }

  // The ledger's reports as the regulator lists them, by id.
  static std::map<std::string, json> ledger_reports() {
    auto r = regledger({"--identity", net_->admin, "--json", "report", "list", "--all"});
    if (r.exit_code != 0) throw std::runtime_error("report list: " + r.err);
    std::map<std::string, json> out;
    const auto list = json::parse(r.out);
    for (const auto& x : list["reports"]) out[x["report_id"].get<std::string>()] = x;
    return out;
  }

  // Block h's public header as node 0 serves it.
  static json header(std::uint64_t h) {
    auto c = net_->cluster.target(0).client(5000);
    auto r = c.get("/v1/headers/" + std::to_string(h));
    if (!r.ok() || r->status != 200) throw std::runtime_error("header " + std::to_string(h));
    return json::parse(r->body);
  }

  // The index at `url` holds exactly the ledger's blocks 1..height (hash, proposer and tx
  // count of every one), and as many transactions as those blocks hold. Returns the height.
  static std::uint64_t expect_blocks_equal_ledger(const std::string& url, bool all_txs) {
    const auto height = std::stoull(scalar(url, "SELECT height FROM indexer_state"));
    EXPECT_EQ(count(url, "blocks"), height);
    EXPECT_EQ(scalar(url, "SELECT max(height) FROM blocks"), std::to_string(height));
    auto rows = rows_of(url, "SELECT height, block_hash, tx_count FROM blocks ORDER BY height");
    std::uint64_t txs = 0;
    for (std::uint64_t h = 1; h <= height && h <= rows.size(); ++h) {
      auto j = header(h);
      const auto& row = rows[h - 1];
      EXPECT_EQ(row[0], std::to_string(h));
      EXPECT_EQ(row[1], j["block_hash"].get<std::string>()) << "block " << h;
      EXPECT_EQ(row[2], std::to_string(j["tx_count"].get<std::uint64_t>())) << "block " << h;
      txs += j["tx_count"].get<std::uint64_t>();
    }
    if (all_txs) {
      EXPECT_EQ(count(url, "transactions"), txs);
      EXPECT_EQ(scalar(url, "SELECT count(*) FROM blocks WHERE NOT txs_visible"), "0");
    }
    std::cout << "index " << url << ": " << height << " blocks, " << count(url, "transactions")
              << " transactions (ledger: " << txs << " in those blocks), " << count(url, "reports")
              << " reports\n";
    return height;
  }

  static std::unique_ptr<Net> net_;
  static std::string setup_error_;
  static std::string skip_;
};

std::unique_ptr<Net> PgIndexTest::net_;
std::string PgIndexTest::setup_error_;
std::string PgIndexTest::skip_;

TEST_F(PgIndexTest, AuditorIndexEqualsTheLedger) {
  const auto url = net_->pg.create_database("regulator");
  auto run = index(url, net_->admin);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto summary = json::parse(run.out);
  const auto height = expect_blocks_equal_ledger(url, true);
  EXPECT_EQ(summary["height"].get<std::uint64_t>(), height);
  EXPECT_EQ(summary["start_height"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(scalar(url, "SELECT block_hash FROM indexer_state"),
            header(height)["block_hash"].get<std::string>());

  // Reports: the same ids, statuses, flags and correction links as the ledger's.
  const auto ledger = ledger_reports();
  ASSERT_EQ(ledger.size(), 7u + net_->a_tries.size() + net_->b_tries.size());
  EXPECT_EQ(count(url, "reports"), ledger.size());
  for (const auto& row : rows_of(url,
                                 "SELECT report_id, org_id, status, late, "
                                 "coalesce(superseded_by, ''), coalesce(corrects, ''), "
                                 "(SELECT count(*) FROM report_status_history h "
                                 " WHERE h.report_id = r.report_id) FROM reports r")) {
    ASSERT_TRUE(ledger.count(row[0])) << row[0];
    const auto& want = ledger.at(row[0]);
    EXPECT_EQ(row[1], want["org"].get<std::string>());
    EXPECT_EQ(row[2], want["status"].get<std::string>()) << row[0];
    EXPECT_EQ(row[3], want["late"].get<bool>() ? "t" : "f") << row[0];
    EXPECT_EQ(row[4], want["superseded_by"].get<std::string>()) << row[0];
    EXPECT_EQ(row[5], want["corrects"].get<std::string>()) << row[0];
    EXPECT_EQ(row[6], std::to_string(want["history"].size())) << row[0];
  }
  // Transactions: each report is its submission, where the ledger says it is.
  for (const auto& [id, r] : ledger) {
    EXPECT_EQ(scalar(url,
                     "SELECT height || '/' || tx_index || '/' || payload FROM transactions "
                     "WHERE tx_id = '" +
                         id + "'"),
              std::to_string(r["height"].get<std::uint64_t>()) + "/" +
                  std::to_string(r["tx_index"].get<std::uint64_t>()) + "/submit_report");
  }
  EXPECT_EQ(scalar(url, "SELECT count(*) FROM accounts WHERE org_id IN ('bank-a', 'bank-b')"), "2");
  EXPECT_EQ(scalar(url, "SELECT count(*) FROM certificates WHERE account_id LIKE 'bank-%'"), "2");

  // The ten queries of docs/audit-sql.md.
  const auto queries = doc_queries();
  ASSERT_EQ(queries.size(), 10u);
  std::map<int, std::vector<std::vector<std::string>>> results;
  for (const auto& [n, sql] : queries) {
    ASSERT_NO_THROW(results[n] = rows_of(url, sql)) << "Q" << n;
    print_rows("Q" + std::to_string(n), results[n]);
  }
  // Q1 late filers = the ledger's late reports.
  std::set<std::string> late, late_sql;
  for (const auto& [id, r] : ledger) {
    if (r["late"].get<bool>()) late.insert(id);
  }
  for (const auto& row : results[1]) late_sql.insert(row[3]);
  EXPECT_EQ(late_sql, late);
  EXPECT_EQ(late, std::set<std::string>{net_->a_late});
  // Q2 corrections per bank = the ledger's reports that correct another, per organization.
  std::map<std::string, int> corrections;
  for (const auto& [id, r] : ledger) {
    if (!r["corrects"].get<std::string>().empty()) corrections[r["org"]]++;
  }
  std::map<std::string, int> corrections_sql;
  for (const auto& row : results[2]) corrections_sql[row[0]] = std::stoi(row[1]);
  EXPECT_EQ(corrections_sql, corrections);
  // Q3 rejected reports with reasons = the ledger's REJECTED history entries.
  std::vector<std::string> rejected, rejected_sql;
  for (const auto& [id, r] : ledger) {
    for (const auto& h : r["history"]) {
      if (h["status"] != "REJECTED") continue;
      std::string reasons;
      for (const auto& x : h["reasons"])
        reasons += (reasons.empty() ? "" : "; ") + x.get<std::string>();
      rejected.push_back(id + " " + h["by"].get<std::string>() + " " + reasons);
    }
  }
  for (const auto& row : results[3]) rejected_sql.push_back(row[0] + " " + row[4] + " " + row[5]);
  EXPECT_EQ(rejected_sql, rejected);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0],
            net_->a1 + " regulator-admin CET1 ratio below the floor; total capital unaudited");
  // Q5 blocks per proposer = the proposers of the ledger's headers.
  std::map<std::string, std::uint64_t> proposers, proposers_sql;
  for (std::uint64_t h = 1; h <= height; ++h) {
    auto raw = from_base64(header(h)["header"].get<std::string>()).value();
    ledger::pb::BlockHeader hdr;
    ASSERT_TRUE(hdr.ParseFromArray(raw.data(), static_cast<int>(raw.size())));
    proposers[std::to_string(hdr.proposer())]++;
  }
  for (const auto& row : results[5]) proposers_sql[row[0]] = std::stoull(row[1]);
  EXPECT_EQ(proposers_sql, proposers);
  // Q8 correction chains: bank-a's quarterly report, rejected then accepted.
  ASSERT_EQ(results[8].size(), 1u);
  EXPECT_EQ(results[8][0][0], net_->a1);
  EXPECT_EQ(results[8][0][1], "v1 REJECTED -> v2 ACCEPTED");
  // Q6 reports awaiting review = the ledger's latest versions still SUBMITTED.
  std::set<std::string> waiting, waiting_sql;
  for (const auto& [id, r] : ledger) {
    if (r["status"] == "SUBMITTED" && r["superseded_by"] == "") waiting.insert(id);
  }
  for (const auto& row : results[6]) waiting_sql.insert(row[3]);
  EXPECT_EQ(waiting_sql, waiting);
  std::set<std::string> expected_waiting{net_->a_late, net_->b_now, net_->a_shared, net_->b_shared};
  expected_waiting.insert(net_->a_tries.begin(), net_->a_tries.end());
  expected_waiting.insert(net_->b_tries.begin(), net_->b_tries.end());
  EXPECT_EQ(waiting, expected_waiting);
  // The others answer from rows the network made: logins (the indexer's own among them), three
  // reviews by one account, the two banks' accounts with their certificates.
  EXPECT_FALSE(results[4].empty());
  ASSERT_EQ(results[7].size(), 1u);
  EXPECT_EQ(results[7][0][1], "3");
  EXPECT_EQ(results[9].size(), 2u);
  // Q10: bank-b's refused login (a wrong password) is counted, the regulator's are all ok.
  std::map<std::string, std::string> refused_logins;
  for (const auto& row : results[10]) refused_logins[row[0]] = row[1];
  EXPECT_EQ(refused_logins["bank-b-rep"], "1");
  EXPECT_EQ(refused_logins["regulator-admin"], "0");

  // Audit events: the node's log up to the entry the index holds, hash for hash.
  ASSERT_NE(count(url, "audit_events"), 0u);
  const auto state = rows_of(url, "SELECT node, last_seq, last_hash FROM audit_state");
  ASSERT_EQ(state.size(), 1u);
  EXPECT_NE(scalar(url,
                   "SELECT count(*) FROM audit_events WHERE event = 'login' AND account = "
                   "'regulator-admin' AND outcome = 'ok'"),
            "0");
  auto c = client::NodeClient::create({{state[0][0]}, net_->cluster.ca_pem()});
  ASSERT_TRUE(c.ok());
  c->set_login(client::load_identity(net_->admin).value(), password_of(net_->admin));
  auto entry = c->get_json("/v1/audit?from=" + state[0][1] + "&limit=1");
  ASSERT_TRUE(entry.ok()) << entry.error().to_string();
  EXPECT_EQ((*entry)["entries"][0]["hash"].get<std::string>(), state[0][2]);
  EXPECT_EQ(count(url, "audit_events"), std::stoull(state[0][1]));

  // A second run writes nothing twice: it continues from where the first one stopped.
  auto again = index(url, net_->admin);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["start_height"].get<std::uint64_t>(), height);
  expect_blocks_equal_ledger(url, true);
  EXPECT_EQ(count(url, "reports"), ledger.size());
}

TEST_F(PgIndexTest, IndexerKilledMidwayResumesWithoutDuplicates) {
  const auto url = net_->pg.create_database("resume");
  const auto head = net_->cluster.height(0);
  std::uint64_t killed_at = 0;
  {
    auto args = node_args(net_->cluster, net_->ca);
    for (std::string a : {"--genesis", net_->genesis.c_str(), "index", "--postgres", url.c_str(),
                          "--as", net_->admin.c_str(), "--follow"}) {
      args.push_back(a);
    }
    IndexerProcess indexer(args, net_->cluster.dir() + "/index-follow.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && !indexer.exited()) {
      std::string h;
      try {
        h = scalar(url, "SELECT height FROM indexer_state");
      } catch (const std::exception&) {
        // The tables do not exist until the indexer's first transaction.
      }
      if (!h.empty() && std::stoull(h) >= 5) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_FALSE(indexer.exited()) << read_file(net_->cluster.dir() + "/index-follow.log").value();
    indexer.kill9();
  }
  killed_at = std::stoull(scalar(url, "SELECT height FROM indexer_state"));
  std::cout << "indexer killed (SIGKILL) at block " << killed_at << " of head " << head << "\n";
  EXPECT_LT(killed_at, head) << "the indexer was not killed midway";
  // Killed at a block boundary: every block up to the position, nothing above it.
  expect_blocks_equal_ledger(url, true);

  auto rerun = index(url, net_->admin);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  const auto summary = json::parse(rerun.out);
  EXPECT_EQ(summary["start_height"].get<std::uint64_t>(), killed_at);
  EXPECT_EQ(summary["blocks"].get<std::uint64_t>(),
            summary["height"].get<std::uint64_t>() - killed_at);
  const auto height = expect_blocks_equal_ledger(url, true);
  EXPECT_GE(height, head);
  EXPECT_EQ(count(url, "reports"), ledger_reports().size());
  EXPECT_EQ(scalar(url, "SELECT count(*) - count(DISTINCT (height, tx_index)) FROM transactions"),
            "0");
}

TEST_F(PgIndexTest, GenesisWithOtherValidatorKeysIsRefusedAtBlockOne) {
  // Another network's genesis under this chain's id: same chain, different validator keys.
  auto def = genesis::default_definition();
  def.chain_id = net_->cluster.genesis().chain_id;
  def.validators = 4;
  def.scrypt_n = 1024;
  const auto other = net_->cluster.dir() + "/other-network";
  auto init = genesis::init_network(def, other);
  ASSERT_TRUE(init.ok()) << init.error().to_string();
  const auto url = net_->pg.create_database("wrong_genesis");
  auto run = index(url, net_->admin, init->genesis_path);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_TRUE(contains(run.err, "error: block_refused: block 1: ")) << run.err;
  EXPECT_TRUE(contains(run.err, "does not verify against the genesis file")) << run.err;
  EXPECT_TRUE(contains(run.err, "validator set this genesis does not know")) << run.err;
  EXPECT_EQ(count(url, "blocks"), 0u);
  EXPECT_EQ(count(url, "transactions"), 0u);
  EXPECT_EQ(count(url, "indexer_state"), 0u);
}

TEST_F(PgIndexTest, BankIndexHoldsNoOtherOrganizationsReports) {
  const auto url = net_->pg.create_database("bank_a");
  auto run = index(url, net_->a_rep);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(json::parse(run.out)["audit_skipped"].get<bool>());
  // Every header (they are public); only bank-a's reports, all of them, with their history.
  expect_blocks_equal_ledger(url, false);
  std::set<std::string> bank_a, indexed;
  for (const auto& [id, r] : ledger_reports()) {
    if (r["org"] == "bank-a") bank_a.insert(id);
  }
  for (const auto& row : rows_of(url, "SELECT report_id FROM reports")) indexed.insert(row[0]);
  EXPECT_EQ(indexed, bank_a);
  std::set<std::string> expected_a{net_->a1, net_->a1v2, net_->a_late, net_->a_shared};
  expected_a.insert(net_->a_tries.begin(), net_->a_tries.end());
  EXPECT_EQ(bank_a, expected_a);
  // The block it shares with bank-b's report is not readable whole: its header is indexed,
  // bank-b's transaction is not, and bank-a's is proven by its receipt.
  EXPECT_EQ(scalar(url,
                   "SELECT proof || ' ' || b.txs_visible || ' ' || b.tx_count FROM "
                   "transactions t JOIN blocks b USING (height) WHERE tx_id = '" +
                       net_->a_shared + "'"),
            "receipt false 2");
  EXPECT_EQ(scalar(url, "SELECT count(*) FROM transactions WHERE tx_id = '" + net_->b_shared + "'"),
            "0");
  EXPECT_EQ(scalar(url, "SELECT count(*) FROM reports WHERE org_id <> 'bank-a'"), "0");
  EXPECT_EQ(scalar(url, "SELECT string_agg(DISTINCT signer, ',') FROM transactions"), "bank-a-rep");
  EXPECT_EQ(scalar(url,
                   "SELECT status || ' ' || array_to_string(reasons, '; ') FROM "
                   "report_status_history WHERE report_id = '" +
                       net_->a1 + "' AND seq = 1"),
            "REJECTED CET1 ratio below the floor; total capital unaudited");
  // Nothing anywhere names bank-b or its report.
  for (const char* table : {"reports", "report_status_history", "transactions", "organizations",
                            "accounts", "certificates", "audit_events"}) {
    EXPECT_EQ(scalar(url, std::string("SELECT count(*) FROM ") + table +
                              " t WHERE t::text LIKE "
                              "'%bank-b%' OR t::text "
                              "LIKE '%" +
                              net_->b1.substr(0, 16) + "%'"),
              "0")
        << table;
  }
  EXPECT_EQ(count(url, "audit_events"), 0u);
  // The regulator's index of the same chain does hold bank-b's reports: the filter is the
  // reader's, not the indexer's.
  const auto reg = net_->pg.create_database("regulator_for_bank_check");
  ASSERT_EQ(index(reg, net_->admin).exit_code, 0);
  EXPECT_EQ(scalar(reg, "SELECT count(*) FROM reports WHERE org_id = 'bank-b'"),
            std::to_string(3 + net_->b_tries.size()));
  // One database is one reader's view: the bank's index refuses the regulator.
  auto mixed = index(url, net_->admin);
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_TRUE(contains(mixed.err, "index_mismatch")) << mixed.err;
}

// ------------------------------------------------------------------------- lying nodes

class PgIndexLyingNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = PostgresServer::unavailable_reason(); !why.empty()) {
      GTEST_SKIP() << "PostgreSQL 15 is not available: " << why;
    }
    pg_ = std::make_unique<PostgresServer>("liar");
    net_ = std::make_unique<HonestNetwork>("pg-index-liar");
  }

  CliRun index(const std::string& node, const std::string& url) {
    return run_regledger(net_->dir, {},
                         {"--node", node, "--ca", net_->ca_path, "--genesis", net_->genesis_path,
                          "--json", "index", "--postgres", url, "--as", net_->admin_dir});
  }

  std::unique_ptr<PostgresServer> pg_;
  std::unique_ptr<HonestNetwork> net_;
};

TEST_F(PgIndexLyingNodeTest, CertificateThatDoesNotVerifyIsRefusedAndNothingWritten) {
  LyingNode liar(*net_, Lie::kStripCommit);
  const auto url = pg_->create_database("liar");
  auto refused = index(liar.url(), url);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "error: block_refused: block 1: ")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "commit certificate")) << refused.err;
  EXPECT_EQ(count(url, "blocks"), 0u);
  EXPECT_EQ(count(url, "indexer_state"), 0u);

  // The honest node's blocks verify; then, above them, the liar's forged header is refused at
  // the next height and the index stays where it was.
  auto honest = index(net_->url, url);
  ASSERT_EQ(honest.exit_code, 0) << honest.err;
  const auto height = json::parse(honest.out)["height"].get<std::uint64_t>();
  EXPECT_EQ(count(url, "blocks"), height);
  EXPECT_EQ(count(url, "reports"), 2u);
  liar.set_lie(Lie::kTamperHeader);
  ApiTarget target{net_->node->api_port(), net_->ca_pem};
  for (int i = 0; i < 100 && api_height(target) <= height; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GT(api_height(target), height);
  auto forged = index(liar.url(), url);
  EXPECT_EQ(forged.exit_code, 1);
  EXPECT_TRUE(
      contains(forged.err, "error: block_refused: block " + std::to_string(height + 1) + ": "))
      << forged.err;
  EXPECT_EQ(scalar(url, "SELECT height FROM indexer_state"), std::to_string(height));
  EXPECT_EQ(count(url, "blocks"), height);
}

// The audit detail column is jsonb: a detail that is not a JSON object (older logins with the
// keys scope were logged as the text "scope=keys") is stored as a JSON string, not refused by
// PostgreSQL in the middle of a page (make demo once stopped on exactly that).
TEST(PgIndexAuditDetail, ObjectsAsTheyAreAnythingElseAsAJsonString) {
  EXPECT_EQ(client::pg::detail_json(""), "");
  EXPECT_EQ(client::pg::detail_json(R"({"scope":"keys"})"), R"({"scope":"keys"})");
  EXPECT_EQ(client::pg::detail_json("scope=keys"), R"("scope=keys")");
  EXPECT_EQ(client::pg::detail_json("[1,2]"), R"("[1,2]")");
  EXPECT_EQ(client::pg::detail_json("say \"hi\""), R"("say \"hi\"")");
  for (const auto& d : {std::string("scope=keys"), std::string("{broken"), std::string("42")}) {
    const auto j = nlohmann::json::parse(client::pg::detail_json(d));
    ASSERT_TRUE(j.is_string()) << d;
    EXPECT_EQ(j.get<std::string>(), d);
  }
}

}  // namespace
}  // namespace rl::testing
