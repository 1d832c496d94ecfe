// Export bundles (client/lib/bundle.hpp, docs/export.md) built from receipts of a real
// in-process chain: the manifest parser refuses hostile input with a reason; a good bundle
// verifies offline against genesis; one flipped byte anywhere in any file, an extra file and a
// missing file each fail with the item (or manifest.json) named.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "client/lib/bundle.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::client::bundle {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace rl::ledger::testing;

class BundleTest : public LedgerFixture {
 protected:
  void SetUp() override {
    LedgerFixture::SetUp();
    commit_txs({sign_as(admin_, register_org("bank-a")), sign_as(admin_, register_org("bank-b"))});
    alice_ = enroll("alice", "bank-a", "reporter", "0010");
    bob_ = enroll("bob", "bank-b", "reporter", "0020");
    txs_ = {
        sign_as(*alice_, submit_report(kCapital, "2026-Q3", capital_payload(), "batch-1")),
        sign_as(*bob_, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1.3})")),
        sign_as(admin_, register_org("bank-c")),
        sign_as(*alice_, submit_report(kLiquidity, "2026-Q3", R"({"lcr":1.1})")),
        sign_as(*alice_, submit_report(kLiquidity, "2026-Q4", R"({"lcr":1.2})")),
    };
    block_ = commit_txs(txs_);
    commit_txs({sign_as(admin_, register_org("bank-d"))});
    anchor_ = ledger::make_trust_anchor(genesis_).value();
    dir_ = make_temp_dir() + "/bundle";
    // bank-a's 2026-Q3 reports: block positions 0 and 3.
    make_bundle(dir_, "bank-a", {0, 3});
  }

  ledger::Receipt receipt_for(std::size_t i) {
    auto r = chain_->receipt(block_.txs[i]->id);
    if (!r.ok() || !r->has_value()) throw std::runtime_error("no receipt");
    return **r;
  }

  Manifest make_bundle(const std::string& dir, const std::string& org, std::vector<std::size_t> idx,
                       const std::string& template_id = "") {
    EXPECT_TRUE(prepare_dir(dir, true).ok());
    Manifest m;
    m.chain_id = anchor_.chain_id;
    m.query = {org, "2026-Q3", template_id};
    m.exported_at_ms = rl::wall_now_s() * 1000;
    for (auto i : idx) {
      auto e = entry_from_receipt(anchor_, org, receipt_for(i));
      EXPECT_TRUE(e.ok()) << e.error().to_string();
      EXPECT_TRUE(write_entry(dir, *e).ok());
      m.items.push_back(e->item);
    }
    auto written = write_manifest(dir, m, *alice_);
    EXPECT_TRUE(written.ok()) << written.error().to_string();
    return m;
  }

  BundleVerdict verify(const std::string& dir) {
    auto v = verify_bundle(dir, anchor_);
    EXPECT_TRUE(v.ok()) << v.error().to_string();
    return std::move(v).value();
  }

  std::string id(std::size_t i) const { return to_hex(block_.txs[i]->id); }
  std::string manifest_text() const { return read_file(dir_ + "/manifest.json").value(); }

  // Only `subject` (an item's report id, or a file) fails.
  // With `only` false, other items may fail as well (a manifest edit changes their fields).
  static ::testing::AssertionResult fails_naming(const BundleVerdict& v, const std::string& subject,
                                                 bool only = true) {
    if (v.ok()) return ::testing::AssertionFailure() << "the bundle verified";
    bool named = false;
    for (const auto& e : v.errors) named = named || e.file == subject;
    for (const auto& it : v.items) {
      if (only && !it.ok && it.report_id != subject) {
        return ::testing::AssertionFailure() << "item " << it.report_id << " failed too";
      }
      named = named || (!it.ok && it.report_id == subject);
    }
    if (!named) return ::testing::AssertionFailure() << subject << " is not named";
    return ::testing::AssertionSuccess();
  }

  std::optional<client::Identity> alice_, bob_;
  std::vector<Bytes> txs_;
  ledger::PreparedBlock block_;
  ledger::TrustAnchor anchor_;
  std::string dir_;
};

// The manifest text of `edit(manifest JSON)` in canonical form (so that only the edit is
// wrong).
std::string edited(const std::string& text, const std::function<void(json&)>& edit) {
  json j = json::parse(text);
  edit(j);
  return j.dump(2) + "\n";
}

TEST_F(BundleTest, GoodBundleVerifies) {
  auto v = verify(dir_);
  ASSERT_TRUE(v.ok()) << (v.errors.empty() ? v.items[0].failure : v.errors[0].reason);
  ASSERT_EQ(v.items.size(), 2u);
  EXPECT_EQ(v.items[0].report_id, id(0));
  EXPECT_EQ(v.items[1].report_id, id(3));
  for (const auto& it : v.items) {
    EXPECT_TRUE(it.ok) << it.failure;
    EXPECT_GE(it.checks.size(), 5u);
    EXPECT_FALSE(it.org_proven);
    EXPECT_NE(it.org_note.find("not its organization"), std::string::npos) << it.org_note;
    EXPECT_EQ(it.commit_signatures, 1u);
  }
  const auto& m = *v.manifest;
  EXPECT_EQ(m.exporter, "alice");
  EXPECT_EQ(m.items[0].template_id, kCapital);
  EXPECT_EQ(m.items[0].batch, "batch-1");
  EXPECT_EQ(m.items[0].submitter, "alice");
  EXPECT_EQ(m.items[0].content_type, "application/json");
  EXPECT_EQ(m.items[0].height, block_.height);
  EXPECT_EQ(m.items[1].tx_index, 3u);
  EXPECT_EQ(m.items[0].block_time_ms, block_.header.time_ms());
  EXPECT_EQ(read_file(dir_ + "/reports/" + id(0) + ".payload").value(), capital_payload());
  EXPECT_EQ(m.items[0].payload_sha256, sha256_hex(capital_payload()));
  EXPECT_EQ(m.items[0].payload_bytes, capital_payload().size());
  // Nothing left behind by the atomic writes.
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    EXPECT_NE(e.path().extension(), ".tmp") << e.path();
  }
}

TEST_F(BundleTest, ManifestRoundTripsAndItsSignatureCoversEveryField) {
  auto m = parse_manifest(manifest_text());
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  EXPECT_EQ(manifest_to_json(*m), manifest_text());
  EXPECT_TRUE(verify_manifest_signature(*m, anchor_).ok());
  std::vector<std::function<void(Manifest&)>> edits = {
      [](Manifest& x) { x.exported_at_ms += 1; },
      [](Manifest& x) { x.exporter = "bob"; },
      [](Manifest& x) { x.query.template_id = "liquidity"; },
      [](Manifest& x) { x.items[0].batch = "other"; },
      [](Manifest& x) { x.items.pop_back(); },
      [](Manifest& x) { x.chain_id = "other-chain"; },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    Manifest copy = *m;
    edits[i](copy);
    auto s = verify_manifest_signature(copy, anchor_);
    EXPECT_FALSE(s.ok()) << "edit " << i;
  }
  // A certificate that does not chain to genesis: a self-made one named alice.
  auto key = crypto::PrivateKey::generate(genesis_.suite).value();
  crypto::IssueOptions io;
  io.not_before = rl::wall_now_s() - 60;
  io.not_after = rl::wall_now_s() + 3600;
  io.profile = crypto::CertProfile::kRootCa;
  auto self = crypto::create_root_certificate(key, {"alice", "", "", ""}, io).value();
  Manifest forged = *m;
  client::Identity mallory = make_identity("alice", "bank-a", key, self);
  ASSERT_TRUE(sign_manifest(forged, mallory).ok());
  auto s = verify_manifest_signature(forged, anchor_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("genesis root"), std::string::npos) << s.error().message;
}

TEST_F(BundleTest, ManifestParserRefusesHostileInput) {
  const std::string good = manifest_text();
  struct Case {
    std::string name, text, reason;
  };
  std::vector<Case> cases = {
      {"empty", "", "not valid JSON"},
      {"not json", "{\"format\":", "not valid JSON"},
      {"array", "[]\n", "must be a JSON object"},
      {"deep", std::string(100000, '[') + std::string(100000, ']'), "nested deeper"},
      {"trailing garbage", good + "x", "not valid JSON"},
      {"extra whitespace", " " + good, "canonical"},
      {"compact form", json::parse(good).dump(), "canonical"},
      {"duplicate top key", "{\"version\":1,\"version\":1}", "duplicate key 'version'"},
      {"unknown top key", edited(good, [](json& j) { j["extra"] = 1; }), "unknown key 'extra'"},
      {"unknown item key", edited(good, [](json& j) { j["items"][1]["note"] = "x"; }),
       "items[1]: unknown key 'note'"},
      {"unknown query key", edited(good, [](json& j) { j["query"]["batch"] = ""; }),
       "query: unknown key 'batch'"},
      {"unknown signature key", edited(good, [](json& j) { j["signature"]["alg"] = "x"; }),
       "signature: unknown key 'alg'"},
      {"missing key", edited(good, [](json& j) { j["items"][0].erase("height"); }),
       "items[0]: missing 'height'"},
      {"wrong format", edited(good, [](json& j) { j["format"] = "zip"; }), "format is 'zip'"},
      {"version 2", edited(good, [](json& j) { j["version"] = 2; }), "version 2"},
      {"version string", edited(good, [](json& j) { j["version"] = "1"; }), "'version' must be"},
      {"height negative", edited(good, [](json& j) { j["items"][0]["height"] = -1; }),
       "'height' must be a non-negative integer"},
      {"height float", edited(good, [](json& j) { j["items"][0]["height"] = 1.5; }),
       "'height' must be"},
      {"sealed as number", edited(good, [](json& j) { j["items"][0]["sealed"] = 0; }),
       "'sealed' must be true or false"},
      {"tx_index too large",
       edited(good, [](json& j) { j["items"][0]["tx_index"] = std::uint64_t{1} << 32; }),
       "'tx_index' is larger"},
      {"payload too large",
       edited(good, [](json& j) { j["items"][0]["payload_bytes"] = kMaxPayloadBytes + 1; }),
       "'payload_bytes' is larger"},
      {"time out of range",
       edited(good, [](json& j) { j["exported_at_ms"] = std::uint64_t{1} << 63; }), "out of range"},
      {"negative export time", edited(good, [](json& j) { j["exported_at_ms"] = -5; }), "negative"},
      {"upper-case id",
       edited(good,
              [](json& j) {
                auto s = j["items"][0]["report_id"].get<std::string>();
                for (auto& c : s) c = static_cast<char>(std::toupper(c));
                j["items"][0]["report_id"] = s;
              }),
       "lower-case hex"},
      {"path in id", edited(good, [](json& j) { j["items"][0]["report_id"] = "../../etc/passwd"; }),
       "'report_id'"},
      {"short hash", edited(good, [](json& j) { j["items"][0]["payload_sha256"] = "abcd"; }),
       "'payload_sha256'"},
      {"duplicate report", edited(good, [](json& j) { j["items"].push_back(j["items"][0]); }),
       "listed twice"},
      {"long org", edited(good, [](json& j) { j["query"]["org"] = std::string(65, 'o'); }),
       "longer than 64"},
      {"empty period", edited(good, [](json& j) { j["items"][0]["period"] = ""; }), "is empty"},
      {"items object", edited(good, [](json& j) { j["items"] = json::object(); }),
       "'items' must be an array"},
      {"empty chain", edited(good, [](json& j) { j["signature"]["signer_chain"] = json::array(); }),
       "signer_chain is empty"},
      {"chain not base64", edited(good, [](json& j) { j["signature"]["signer_chain"][0] = "!!!"; }),
       "not base64"},
      {"long signature",
       edited(good, [](json& j) { j["signature"]["value"] = std::string(4000, 'A'); }),
       "'value' is longer"},
      {"control char", edited(good, [](json& j) { j["exporter"] = std::string("al\x01ice"); }),
       "'exporter' holds a control character"},
  };
  for (const auto& c : cases) {
    auto m = parse_manifest(c.text);
    ASSERT_FALSE(m.ok()) << c.name;
    EXPECT_EQ(m.error().code, "bad_manifest") << c.name;
    EXPECT_NE(m.error().message.find(c.reason), std::string::npos)
        << c.name << ": " << m.error().message;
  }
  // Duplicate keys inside an item are caught even where the value is the same.
  std::string dup = good;
  auto at = dup.find("\"batch\"");
  dup.insert(at, "\"batch\": \"batch-1\",\n      ");
  auto m = parse_manifest(dup);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("duplicate key 'batch'"), std::string::npos)
      << m.error().message;
  // Over the size limit: refused before parsing.
  auto big = parse_manifest(std::string(kMaxManifestBytes + 1, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("larger than"), std::string::npos);
}

TEST_F(BundleTest, EveryFlippedByteOfEveryFileFailsNamingItsItem) {
  std::vector<std::pair<std::string, std::string>> files = {{"manifest.json", "manifest.json"}};
  for (auto i : {0, 3}) {
    files.push_back({"reports/" + id(i) + ".payload", id(i)});
    files.push_back({"receipts/" + id(i) + ".json", id(i)});
  }
  std::size_t flips = 0;
  for (const auto& [file, subject] : files) {
    const std::string path = dir_ + "/" + file;
    const std::string original = read_file(path).value();
    // Every byte of small files; about 150 positions spread over larger ones, and the last.
    const std::size_t step = original.size() <= 400 ? 1 : original.size() / 150 + 1;
    std::vector<std::size_t> positions;
    for (std::size_t p = 0; p < original.size(); p += step) positions.push_back(p);
    positions.push_back(original.size() - 1);
    for (auto p : positions) {
      std::string bad = original;
      bad[p] = static_cast<char>(bad[p] ^ 0x01);
      ASSERT_TRUE(write_file(path, bad).ok());
      auto v = verify(dir_);
      EXPECT_TRUE(fails_naming(v, subject, subject != "manifest.json")) << file << " byte " << p;
      ++flips;
    }
    ASSERT_TRUE(write_file(path, original).ok());
  }
  EXPECT_GT(flips, 500u);
  EXPECT_TRUE(verify(dir_).ok());
}

TEST_F(BundleTest, ReasonsNameWhatDiffers) {
  const std::string payload = dir_ + "/reports/" + id(3) + ".payload";
  ASSERT_TRUE(write_file(payload, R"({"lcr":1.9})").ok());
  auto v = verify(dir_);
  ASSERT_TRUE(fails_naming(v, id(3)));
  EXPECT_EQ(v.items[1].failure, "payload differs from the receipt's transaction");
  EXPECT_TRUE(v.items[0].ok);

  // A receipt swapped for another genuine receipt: the file no longer has the manifest's hash.
  ASSERT_TRUE(write_file(payload, R"({"lcr":1.1})").ok());
  const std::string r3 = dir_ + "/receipts/" + id(3) + ".json";
  const std::string saved = read_file(r3).value();
  ASSERT_TRUE(write_file(r3, read_file(dir_ + "/receipts/" + id(0) + ".json").value()).ok());
  v = verify(dir_);
  ASSERT_TRUE(fails_naming(v, id(3)));
  EXPECT_EQ(v.items[1].failure, "receipt file's sha256 differs from the manifest's");
  ASSERT_TRUE(write_file(r3, saved).ok());
  EXPECT_TRUE(verify(dir_).ok());
}

TEST_F(BundleTest, ExtraMissingAndOddFilesFail) {
  ASSERT_TRUE(write_file(dir_ + "/reports/extra.payload", "x").ok());
  auto v = verify(dir_);
  EXPECT_TRUE(fails_naming(v, "reports/extra.payload"));
  fs::remove(dir_ + "/reports/extra.payload");

  // A leftover temp file of an interrupted write is not part of the bundle either.
  ASSERT_TRUE(write_file(dir_ + "/receipts/" + id(0) + ".json.tmp", "{}").ok());
  EXPECT_TRUE(fails_naming(verify(dir_), "receipts/" + id(0) + ".json.tmp"));
  fs::remove(dir_ + "/receipts/" + id(0) + ".json.tmp");
  fs::create_directory(dir_ + "/receipts/sub");
  EXPECT_TRUE(fails_naming(verify(dir_), "receipts/sub"));
  fs::remove(dir_ + "/receipts/sub");
  ASSERT_TRUE(verify(dir_).ok());

  const std::string payload = dir_ + "/reports/" + id(0) + ".payload";
  const std::string saved = read_file(payload).value();
  fs::remove(payload);
  v = verify(dir_);
  ASSERT_TRUE(fails_naming(v, id(0)));
  EXPECT_EQ(v.items[0].failure, "reports/" + id(0) + ".payload is missing");

  // A symlink to the right bytes is still not a file of the bundle.
  ASSERT_TRUE(write_file(dir_ + "/elsewhere", saved).ok());
  fs::create_symlink(dir_ + "/elsewhere", payload);
  v = verify(dir_);
  ASSERT_TRUE(fails_naming(v, id(0)));
  EXPECT_NE(v.items[0].failure.find("not a regular file"), std::string::npos);
  fs::remove(payload);
  // Over the payload size limit: refused without reading it all.
  ASSERT_TRUE(write_file(payload, std::string(kMaxPayloadBytes + 1, 'x')).ok());
  v = verify(dir_);
  ASSERT_TRUE(fails_naming(v, id(0)));
  EXPECT_NE(v.items[0].failure.find("larger than"), std::string::npos) << v.items[0].failure;
  ASSERT_TRUE(write_file(payload, saved).ok());
  // Top-level entries other than the bundle's own are listed, not checked.
  v = verify(dir_);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.ignored, std::vector<std::string>{"elsewhere"});

  fs::remove(dir_ + "/receipts/" + id(3) + ".json");
  EXPECT_TRUE(fails_naming(verify(dir_), id(3)));

  fs::remove(dir_ + "/manifest.json");
  v = verify(dir_);
  EXPECT_FALSE(v.ok());
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0].file, "manifest.json");
  EXPECT_NE(v.errors[0].reason.find("missing"), std::string::npos);

  auto none = verify_bundle(dir_ + "/nope", anchor_);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "no_bundle");
}

TEST_F(BundleTest, AnotherGenesisRefusesTheBundle) {
  auto other = ledger::make_trust_anchor(make_genesis(pki_, "other-chain")).value();
  auto v = verify_bundle(dir_, other);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok());
  ASSERT_FALSE(v->errors.empty());
  EXPECT_EQ(v->errors[0].file, "manifest.json");
  EXPECT_NE(v->errors[0].reason.find("not the genesis chain"), std::string::npos);
  for (const auto& it : v->items) {
    EXPECT_FALSE(it.ok);
    EXPECT_NE(it.failure.find("does not verify against genesis"), std::string::npos);
  }
}

TEST_F(BundleTest, WhatIsAndIsNotProven) {
  // Not a report: a receipt of another kind of transaction is refused at export.
  auto e = entry_from_receipt(anchor_, "bank-a", receipt_for(2));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "not_a_report");

  // An exporter that files bob's (bank-b) report under bank-a: every byte is genuine, the
  // receipt verifies, and the verifier says the organization is not what it proves.
  const std::string dir = make_temp_dir() + "/mislabelled";
  make_bundle(dir, "bank-a", {1});
  auto v = verify(dir);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v.items[0].org_proven);
  EXPECT_NE(v.items[0].org_note.find("account bob"), std::string::npos) << v.items[0].org_note;

  // Items outside the manifest's own query fail.
  const std::string dir2 = make_temp_dir() + "/outside";
  make_bundle(dir2, "bank-a", {0, 3}, kLiquidity);
  v = verify(dir2);
  ASSERT_TRUE(fails_naming(v, id(0)));
  EXPECT_NE(v.items[0].failure.find("outside the manifest's query"), std::string::npos);

  // An empty bundle verifies (and proves nothing about what was left out).
  const std::string dir3 = make_temp_dir() + "/empty";
  make_bundle(dir3, "bank-c", {});
  v = verify(dir3);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(v.items.empty());
}

TEST_F(BundleTest, PrepareDirRefusesANonEmptyDirectoryUnlessForced) {
  auto s = prepare_dir(dir_, false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "out_not_empty");
  ASSERT_TRUE(write_file(dir_ + "/keep.txt", "mine").ok());
  ASSERT_TRUE(prepare_dir(dir_, true).ok());
  EXPECT_FALSE(fs::exists(dir_ + "/manifest.json"));
  EXPECT_TRUE(fs::is_empty(dir_ + "/reports"));
  EXPECT_TRUE(fs::exists(dir_ + "/keep.txt"));
  ASSERT_TRUE(write_file(dir_ + "-file", "x").ok());
  EXPECT_FALSE(prepare_dir(dir_ + "-file", true).ok());
  EXPECT_TRUE(prepare_dir(make_temp_dir() + "/new/deeper", false).ok());
}

}  // namespace
}  // namespace rl::client::bundle
