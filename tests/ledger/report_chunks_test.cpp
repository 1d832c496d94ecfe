// Large CSV datasets in chunks (ledger/report_chunks.hpp, decision 0065): the chunked check
// agrees with the whole-file check, and each rule of StoreReportChunk and of a SubmitReport that
// lists chunks refuses what it should, on a real chain.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "client/lib/chunked_upload.hpp"
#include "common/civil_time.hpp"
#include "ledger/report_chunks.hpp"
#include "ledger/report_template.hpp"
#include "ledger/state_keys.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

const std::filesystem::path kLocal = std::filesystem::path(RL_SOURCE_DIR) / "genesis" / "local";
constexpr const char* kLoans = "east-loans";

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pb::TemplateDefinition loans_definition() {
  return parse_template_json(read_text(kLocal / "templates" / "east-loans.json")).value();
}

// `n` loan rows in the sample's shape, unique ids, all valid.
std::string loans_csv(int n) {
  const std::string sample = read_text(kLocal / "samples" / "east-loans-good.csv");
  std::string out = sample.substr(0, sample.find('\n') + 1);
  for (int i = 1; i <= n; ++i) {
    char row[256];
    std::snprintf(row, sizeof row,
                  "L%010d,C%010d,110000,SME,CNY,2024-01-15,2029-01-15,%d.00,0.045000,NORMAL,N,,0\n",
                  i, 1000 + i, 1000 + i);
    out += row;
  }
  return out;
}

std::string replace_line(std::string csv, int row, const std::string& line) {
  std::size_t at = 0;
  for (int i = 0; i < row; ++i) at = csv.find('\n', at) + 1;  // after the header: row 1
  const auto end = csv.find('\n', at);
  return csv.replace(at, end - at, line);
}

// A chunk counts lines from its own start (rows, which every rule names, are the file's): the
// line a field-count error mentions is left out of the comparison.
std::string without_line(std::string message) {
  return std::regex_replace(message, std::regex(R"( \(line [0-9]+( of the chunk)?\))"), "");
}

std::vector<std::string> sorted_errors(const CheckResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.errors) out.push_back(without_line(format_cell_error(e)));
  std::sort(out.begin(), out.end());
  return out;
}

// Check `csv` as chunks cut by the client's planner, the way the validators do.
struct ChunkedVerdict {
  std::vector<std::string> errors;
  std::uint64_t error_count = 0;
  std::size_t chunks = 0;
};
ChunkedVerdict check_chunked(const TableSchema& schema, const std::string& dir,
                             const std::string& csv, std::size_t chunk_bytes) {
  const auto path = std::filesystem::path(dir) / "data.csv";
  std::ofstream(path, std::ios::binary) << csv;
  auto plan = client::plan_chunks(path.string(), chunk_bytes);
  EXPECT_TRUE(plan.ok()) << plan.error().to_string();
  ChunkedVerdict v;
  std::vector<ChunkParts> parts;
  for (const auto& c : plan->chunks) {
    auto check = check_csv_chunk(schema, {"loans", plan->header, c.first_row,
                                          std::string_view(csv).substr(c.offset, c.size)});
    for (auto& e : check.result.errors) v.errors.push_back(without_line(format_cell_error(e)));
    v.error_count += check.result.error_count;
    parts.push_back(std::move(check.parts));
  }
  auto set = check_csv_chunk_set(schema, "loans", parts);
  for (auto& e : set.errors) v.errors.push_back(without_line(format_cell_error(e)));
  v.error_count += set.error_count;
  std::sort(v.errors.begin(), v.errors.end());
  v.chunks = plan->chunks.size();
  return v;
}

class ChunkedCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = parse_table_schema(loans_definition().schema()).value();
    dir_ = std::filesystem::temp_directory_path() /
           ("rl-chunks-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  TableSchema schema_;
  std::filesystem::path dir_;
};

TEST_F(ChunkedCheck, AgreesWithTheWholeFileForEveryChunkSize) {
  std::string csv = loans_csv(400);
  csv = replace_line(csv, 7,
                     "L0000000007,C0000001007,110000,SME,JPY,2024-01-15,2029-01-15,1.00,"
                     "0.045000,NORMAL,N,,0");  // enum
  csv = replace_line(csv, 150,
                     "L0000000150,C0000001150,110000,SME,CNY,2024-01-15,2029-01-15,"
                     "1.001,0.045000,NORMAL,Y,,0");  // scale, required_if
  csv = replace_line(csv, 390,
                     "L0000000003,C0000001390,110000,SME,CNY,2024-01-15,2029-01-15,"
                     "1.00,0.045000,NORMAL,N,,0");                     // duplicate of row 3
  csv = replace_line(csv, 391, "L0000000391,C0000001391,110000,SME");  // field count
  const auto whole = check_csv_payload(schema_, "loans", csv);
  ASSERT_GE(whole.error_count, 5u) << summarize(whole, 20);
  for (std::size_t bytes : {400u, 1000u, 4096u, 65536u}) {
    auto v = check_chunked(schema_, dir_.string(), csv, bytes);
    EXPECT_EQ(v.errors, sorted_errors(whole)) << "chunks of " << bytes << " bytes";
    EXPECT_EQ(v.error_count, whole.error_count) << bytes;
    if (bytes == 1000) {
      EXPECT_GT(v.chunks, 30u);
    }
  }
}

TEST_F(ChunkedCheck, GoodFileHasNoErrorsInAnyChunking) {
  const std::string csv = loans_csv(300);
  ASSERT_TRUE(check_csv_payload(schema_, "loans", csv).ok());
  for (std::size_t bytes : {300u, 777u, 8192u}) {
    auto v = check_chunked(schema_, dir_.string(), csv, bytes);
    EXPECT_TRUE(v.errors.empty()) << bytes << ": " << (v.errors.empty() ? "" : v.errors[0]);
  }
}

TEST_F(ChunkedCheck, ADuplicateKeyAcrossChunksIsFoundByTheSet) {
  std::string csv = loans_csv(100);
  csv = replace_line(csv, 95,
                     "L0000000002,C0000001095,110000,SME,CNY,2024-01-15,2029-01-15,"
                     "1.00,0.045000,NORMAL,N,,0");
  auto v = check_chunked(schema_, dir_.string(), csv, 500);
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0], "table loans, row 95, column loan_id: duplicates row 2 in (loan_id)");
}

TEST_F(ChunkedCheck, ChunksMustJoinAtRecordEndsWithoutGapOrOverlap) {
  const std::string csv = loans_csv(10);
  const auto header = csv.substr(0, csv.find('\n') + 1);
  const auto rows_from = [&](int row) {
    std::size_t at = 0;
    for (int i = 0; i < row; ++i) at = csv.find('\n', at) + 1;
    return at;
  };
  // Chunk 1 (header, rows 1-4) ends inside row 5's record: the record is cut in two.
  const std::size_t cut = rows_from(5) + 10;
  auto a = check_csv_chunk(schema_, {"loans", header, 1, std::string_view(csv).substr(0, cut)});
  EXPECT_FALSE(a.parts.ends_record);
  auto b = check_csv_chunk(schema_, {"loans", header, 5, std::string_view(csv).substr(cut)});
  std::vector<ChunkParts> parts{a.parts, b.parts};
  auto set = check_csv_chunk_set(schema_, "loans", parts);
  EXPECT_NE(summarize(set, 10).find("chunk 1 does not end with a line end"), std::string::npos)
      << summarize(set, 10);

  // A gap: chunk 2 claims row 7 where row 5 follows.
  auto c1 =
      check_csv_chunk(schema_, {"loans", header, 1, std::string_view(csv).substr(0, rows_from(5))});
  auto c2 =
      check_csv_chunk(schema_, {"loans", header, 7, std::string_view(csv).substr(rows_from(5))});
  ASSERT_TRUE(c1.result.ok() && c2.result.ok());
  parts = {c1.parts, c2.parts};
  EXPECT_NE(summarize(check_csv_chunk_set(schema_, "loans", parts), 10)
                .find("chunk 2 starts at row 7; row 5 follows"),
            std::string::npos);

  // The chunk of row 1 must begin with the header itself.
  auto no_header = check_csv_chunk(
      schema_, {"loans", header, 1, std::string_view(csv).substr(rows_from(1), 200)});
  EXPECT_NE(summarize(no_header.result, 5).find("must start with the header"), std::string::npos);

  // A chunk that ends inside a quoted field is refused on its own.
  auto open_quote = check_csv_chunk(schema_, {"loans", header, 3, "L1,\"open\n"});
  EXPECT_NE(summarize(open_quote.result, 5).find("unterminated"), std::string::npos)
      << summarize(open_quote.result, 5);
}

TEST_F(ChunkedCheck, RowCountRulesAreJudgedOverTheWholeFile) {
  auto def = loans_definition();
  // Five rows at most: each chunk alone is within the limit, the file is not.
  auto json = nlohmann::json::parse(def.schema());
  json["tables"][0]["max_rows"] = 5;
  auto schema = parse_table_schema(json.dump()).value();
  const std::string csv = loans_csv(8);
  const auto whole = check_csv_payload(schema, "loans", csv);
  ASSERT_FALSE(whole.ok());
  const auto header = csv.substr(0, csv.find('\n') + 1);
  std::size_t at = 0;
  for (int i = 0; i < 5; ++i) at = csv.find('\n', at) + 1;  // after row 4
  auto a = check_csv_chunk(schema, {"loans", header, 1, std::string_view(csv).substr(0, at)});
  auto b = check_csv_chunk(schema, {"loans", header, 5, std::string_view(csv).substr(at)});
  std::vector<ChunkParts> parts{a.parts, b.parts};
  auto set = check_csv_chunk_set(schema, "loans", parts);
  EXPECT_NE(summarize(set, 5).find("has more than 5 rows"), std::string::npos);
}

// ---- on a real chain ----

class ChunkedReports : public LedgerFixture {
 protected:
  void SetUp() override {
    auto def = loans_definition();
    GenesisTemplate t;
    t.id = def.template_id();
    t.name = def.name();
    t.data_level_floor = def.data_level_floor();
    t.max_payload_bytes = def.max_payload_bytes();
    t.schema = def.schema();
    t.calendar = def.calendar();
    genesis_.templates.push_back(t);
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a")), sign_as(admin_, register_org("bank-b"))});
    alice_.emplace(enroll("alice", "bank-a", "reporter", "0010"));
    bob_.emplace(enroll("bob", "bank-b", "reporter", "0010"));
    const auto today = civil_from_days(chain_->head().time_ms / 86'400'000);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", today.year, today.month);
    period_ = buf;
  }

  // The chunks of `csv` cut by the client's planner at `bytes`, as StoreReportChunk bodies.
  std::vector<pb::StoreReportChunk> chunks_of(const std::string& csv, std::size_t bytes) {
    const auto path = std::filesystem::path(make_temp_dir()) / "data.csv";
    std::ofstream(path, std::ios::binary) << csv;
    auto plan = client::plan_chunks(path.string(), bytes).value();
    std::vector<pb::StoreReportChunk> out;
    for (const auto& c : plan.chunks) {
      pb::StoreReportChunk p;
      p.set_template_id(kLoans);
      p.set_template_version(1);
      p.set_header(plan.header);
      p.set_first_row(c.first_row);
      p.set_data(csv.substr(c.offset, c.size));
      out.push_back(std::move(p));
    }
    return out;
  }
  Bytes chunk_tx(const client::Identity& who, const pb::StoreReportChunk& c) {
    return sign_as(who, [&](pb::TxBody& b) { *b.mutable_store_report_chunk() = c; });
  }
  Bytes manifest_tx(const client::Identity& who, const std::vector<pb::StoreReportChunk>& chunks) {
    return sign_as(who, [&](pb::TxBody& b) {
      auto* r = b.mutable_submit_report();
      r->set_template_id(kLoans);
      r->set_period(period_);
      r->set_content_type("text/csv");
      for (const auto& c : chunks) r->add_chunks(to_string(chunk_id(c)));
    });
  }

  std::optional<client::Identity> alice_, bob_;
  std::string period_;
};

TEST_F(ChunkedReports, TheReportCompletesOnlyWhenEveryChunkIsCommitted) {
  const std::string csv = loans_csv(60);
  auto chunks = chunks_of(csv, 1024);
  ASSERT_GE(chunks.size(), 4u);
  std::vector<Bytes> all_but_last;
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i)
    all_but_last.push_back(chunk_tx(*alice_, chunks[i]));
  commit_txs(all_but_last);
  expect_rejected(manifest_tx(*alice_, chunks), "chunk_missing");
  commit_txs({chunk_tx(*alice_, chunks.back())});
  Bytes manifest = manifest_tx(*alice_, chunks);
  commit_txs({manifest});
  const std::string id = to_hex(decode(manifest).id);
  auto rec = chain_->report(id).value().value();
  EXPECT_EQ(rec.chunk_count(), chunks.size());
  EXPECT_EQ(rec.size(), csv.size());
  auto raw = chain_->state_value(keys::report_chunks(id)).value().value();
  pb::ReportChunksRecord list;
  ASSERT_TRUE(list.ParseFromArray(raw.data(), static_cast<int>(raw.size())));
  std::string joined;
  for (int i = 0; i < list.data_hashes_size(); ++i) {
    auto data = chain_->state_value(keys::chunk_data("bank-a", as_bytes(list.data_hashes(i))))
                    .value()
                    .value();
    EXPECT_EQ(to_string(chunk_data_hash(to_string(data))), list.data_hashes(i));
    joined += to_string(data);
  }
  EXPECT_EQ(joined, csv) << "the chunks reassemble the file byte for byte";
}

TEST_F(ChunkedReports, EachChunkIsCheckedWhenItCommitsWithRowsNumberedInTheFile) {
  std::string csv = loans_csv(40);
  csv = replace_line(csv, 33,
                     "L0000000033,C0000001033,110000,SME,JPY,2024-01-15,2029-01-15,"
                     "1.00,0.045000,NORMAL,N,,0");
  auto chunks = chunks_of(csv, 1024);
  ASSERT_GT(chunks.size(), 2u);
  // Exactly the chunk holding row 33 is refused: the last chunk whose first row is <= 33.
  std::size_t holder = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].first_row() <= 33) holder = i;
  }
  std::vector<std::size_t> refused;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    auto tx = chunk_tx(*alice_, chunks[i]);
    auto admitted = chain_->admit(decode(tx), chain_->head().time_ms + 1000);
    if (admitted.ok()) continue;
    refused.push_back(i);
    EXPECT_EQ(admitted.error().code, "bad_report");
    EXPECT_NE(admitted.error().message.find("table loans, row 33, column currency"),
              std::string::npos)
        << admitted.error().message;
  }
  EXPECT_EQ(refused, std::vector<std::size_t>{holder});
}

TEST_F(ChunkedReports, ADuplicateAcrossChunksRefusesTheReport) {
  std::string csv = loans_csv(40);
  csv = replace_line(csv, 38,
                     "L0000000001,C0000001038,110000,SME,CNY,2024-01-15,2029-01-15,"
                     "1.00,0.045000,NORMAL,N,,0");
  auto chunks = chunks_of(csv, 1024);
  std::vector<Bytes> txs;
  for (const auto& c : chunks) txs.push_back(chunk_tx(*alice_, c));
  commit_txs(txs);
  auto admitted =
      chain_->admit(decode(manifest_tx(*alice_, chunks)), chain_->head().time_ms + 1000);
  ASSERT_FALSE(admitted.ok());
  EXPECT_EQ(admitted.error().code, "bad_report");
  EXPECT_NE(admitted.error().message.find("row 38, column loan_id: duplicates row 1"),
            std::string::npos)
      << admitted.error().message;
}

TEST_F(ChunkedReports, AnotherOrganizationsChunksAreNotFound) {
  auto chunks = chunks_of(loans_csv(20), 1024);
  std::vector<Bytes> txs;
  for (const auto& c : chunks) txs.push_back(chunk_tx(*alice_, c));
  commit_txs(txs);
  // bank-b lists bank-a's committed chunk ids: the same answer as for ids nobody stored.
  auto admitted = chain_->admit(decode(manifest_tx(*bob_, chunks)), chain_->head().time_ms + 1000);
  ASSERT_FALSE(admitted.ok());
  EXPECT_EQ(admitted.error().code, "chunk_missing");
  EXPECT_NE(admitted.error().message.find("not committed for organization bank-b"),
            std::string::npos);
  // And bank-b storing the same bytes is its own chunk, not a duplicate of bank-a's.
  commit_txs({chunk_tx(*bob_, chunks[0])});
}

TEST_F(ChunkedReports, TheSameChunkTwiceIsRefused) {
  auto chunks = chunks_of(loans_csv(20), 1024);
  commit_txs({chunk_tx(*alice_, chunks[0])});
  expect_rejected(chunk_tx(*alice_, chunks[0]), "already_exists");
}

TEST_F(ChunkedReports, AChunkCheckedAgainstAnotherTemplateVersionIsRefused) {
  auto chunks = chunks_of(loans_csv(20), 1024);
  chunks[0].set_template_version(2);
  expect_rejected(chunk_tx(*alice_, chunks[0]), "template_changed");
}

TEST_F(ChunkedReports, ChunkLimitsAreEnforced) {
  auto chunks = chunks_of(loans_csv(20), 1024);
  auto big = chunks[1];
  big.set_data(std::string(limits::kMaxChunkBytes + 1, 'x'));
  expect_rejected(chunk_tx(*alice_, big), "bad_field");
  auto no_header = chunks[1];
  no_header.clear_header();
  expect_rejected(chunk_tx(*alice_, no_header), "bad_field");
  // A chunked report carries no inline payload.
  commit_txs({chunk_tx(*alice_, chunks[0])});
  Bytes both = sign_as(*alice_, [&](pb::TxBody& b) {
    auto* r = b.mutable_submit_report();
    r->set_template_id(kLoans);
    r->set_period(period_);
    r->set_content_type("text/csv");
    r->set_payload("x");
    r->add_chunks(to_string(chunk_id(chunks[0])));
  });
  expect_rejected(both, "bad_field");
}

}  // namespace
}  // namespace rl::ledger::testing
