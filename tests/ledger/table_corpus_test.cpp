// The local check (`regledger report check`, client/lib/report_check) and the validators agree:
// over a corpus of good and bad files for the sample templates, each file is refused by a real
// chain's admission exactly when the local check finds errors, and with the same error list.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "client/lib/report_check.hpp"
#include "common/civil_time.hpp"
#include "ledger/report_template.hpp"
#include "ledger/state_keys.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {
namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::filesystem::path kLocal = std::filesystem::path(RL_SOURCE_DIR) / "genesis" / "local";

GenesisTemplate sample_template(const std::string& file) {
  auto def = parse_template_json(read_text(kLocal / "templates" / file)).value();
  GenesisTemplate t;
  t.id = def.template_id();
  t.name = def.name();
  t.data_level_floor = def.data_level_floor();
  t.max_payload_bytes = def.max_payload_bytes();
  t.schema = def.schema();
  t.calendar = def.calendar();
  return t;
}

class TableCorpus : public LedgerFixture {
 protected:
  void SetUp() override {
    genesis_.templates.push_back(sample_template("g01-balance-sheet.json"));
    genesis_.templates.push_back(sample_template("east-loans.json"));
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a"))});
    reporter_.emplace(enroll("alice", "bank-a", "reporter", "0010"));
    const auto today = civil_from_days(chain_->head().time_ms / 86'400'000);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", today.year, today.month);
    period_ = buf;
    files_dir_ = make_temp_dir();
  }

  // Mutations of a good file, one line each: (name, transform of the text).
  void add(const std::string& name, const std::string& text) {
    const auto path = std::filesystem::path(files_dir_) / name;
    std::ofstream(path, std::ios::binary) << text;
    files_.push_back(path);
  }

  std::optional<client::Identity> reporter_;
  std::string period_;
  std::string files_dir_;
  std::vector<std::filesystem::path> files_;
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

TEST_F(TableCorpus, LocalCheckAndValidatorsAgreeOnEveryFile) {
  const std::string loans = read_text(kLocal / "samples" / "east-loans-good.csv");
  const std::string g01 = read_text(kLocal / "samples" / "g01-good.json");
  add("loans-good.csv", loans);
  add("loans-bad.csv", read_text(kLocal / "samples" / "east-loans-bad.csv"));
  add("loans-crlf-to-lf.csv", replace_all(loans, "\r\n", "\n"));
  add("loans-bom.csv", "\xEF\xBB\xBF" + loans);
  add("loans-all-cny-usd.csv", replace_all(loans, ",CNY,", ",USD,"));
  add("loans-bad-currency.csv", replace_all(loans, ",CNY,", ",JPY,"));
  add("loans-3-decimals.csv", replace_all(loans, ".00,", ".001,"));
  add("loans-no-header.csv", loans.substr(loans.find('\n') + 1));
  add("loans-quoted.csv", replace_all(loans, ",SME,", ",\"SME\","));
  add("loans-broken-quote.csv", replace_all(loans, ",SME,", ",\"SME,"));
  add("loans-empty.csv", "");
  add("loans-header-only.csv", loans.substr(0, loans.find('\n') + 1));
  add("loans-latin1.csv", replace_all(loans, "SME", "S\xC9"));
  add("g01-good.json", g01);
  add("g01-bad.json", read_text(kLocal / "samples" / "g01-bad.json"));
  add("g01-unbalanced.json",
      replace_all(g01, "\"retained_earnings\": 21000.0", "\"retained_earnings\": 21000.5"));
  add("g01-not-json.json", g01.substr(0, g01.size() / 2));
  add("g01-array.json", "[" + g01 + "]");
  add("g01-extra-table.json", replace_all(g01, "{\n \"G01\"", "{\"G02\": [],\n \"G01\""));
  add("g01-float-text.json", replace_all(g01, "159176.0", "1.59176e5"));
  int agreed_ok = 0, agreed_bad = 0;
  for (const auto& path : files_) {
    const std::string name = path.filename().string();
    const std::string tmpl = name.rfind("g01", 0) == 0 ? "g01-balance-sheet" : "east-loans";
    const auto record = chain_->state_value(keys::tmpl(tmpl)).value().value();
    pb::TemplateRecord t;
    ASSERT_TRUE(t.ParseFromArray(record.data(), static_cast<int>(record.size())));
    const std::string content_type = client::content_type_for(path.string(), "");
    auto local = client::check_report_file(t, path.string(), content_type);
    ASSERT_TRUE(local.ok()) << name << ": " << local.error().to_string();
    Bytes tx = sign_as(*reporter_, [&](pb::TxBody& b) {
      auto* p = b.mutable_submit_report();
      p->set_template_id(tmpl);
      p->set_period(period_);
      p->set_content_type(content_type);
      p->set_payload(read_text(path));
    });
    auto admitted = chain_->admit(decode(tx), chain_->head().time_ms + 1000);
    EXPECT_EQ(admitted.ok(), local->ok()) << name << "\n" << summarize(*local, 5);
    if (!admitted.ok() && !local->ok()) {
      EXPECT_EQ(admitted.error().code, "bad_report") << name;
      EXPECT_NE(admitted.error().message.find(summarize(*local, kMaxReportedErrors)),
                std::string::npos)
          << name << "\nvalidators: " << admitted.error().message
          << "\nlocal: " << summarize(*local, kMaxReportedErrors);
      ++agreed_bad;
    } else if (admitted.ok() && local->ok()) {
      commit_txs({tx});
      ++agreed_ok;
    }
  }
  EXPECT_EQ(agreed_ok, 6) << "good files: loans, lf, bom, usd, quoted, g01";
  EXPECT_EQ(agreed_bad, static_cast<int>(files_.size()) - 6);
}

}  // namespace
}  // namespace rl::ledger::testing
