// A chunked report's dataset in an export bundle (client/lib/bundle_dataset.hpp): the layout
// parser refuses hostile text with a reason, and the dataset check accepts exactly the data
// that reproduces the report's chunk ids: every flipped byte of the data, and every wrong
// layout field, is refused naming the chunk.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "client/lib/bundle_dataset.hpp"
#include "common/file_io.hpp"
#include "ledger/report_chunks.hpp"

namespace rl::client::bundle {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHeader = "loan_id,amount\n";

class BundleDatasetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("rl-bundle-dataset-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    // Three chunks: the header and rows 1-3, rows 4-5, row 6.
    const std::vector<std::string> parts = {std::string(kHeader) + "L1,10\nL2,20\nL3,30\n",
                                            "L4,40\nL5,50\n", "L6,60\n"};
    const std::vector<std::uint64_t> first_rows = {1, 4, 6};
    layout_.template_version = 3;
    layout_.header_bytes = std::string(kHeader).size();
    report_.set_template_id("east-loans");
    report_.set_content_type("text/csv; table=loans");
    for (std::size_t i = 0; i < parts.size(); ++i) {
      ledger::pb::StoreReportChunk c;
      c.set_template_id("east-loans");
      c.set_template_version(3);
      c.set_table("loans");
      c.set_header(kHeader);
      c.set_first_row(first_rows[i]);
      c.set_data(parts[i]);
      const Bytes id = ledger::chunk_id(c);
      report_.add_chunks(std::string(id.begin(), id.end()));
      layout_.chunks.push_back({first_rows[i], parts[i].size()});
      data_ += parts[i];
    }
    path_ = (dir_ / "r.data").string();
    ASSERT_TRUE(write_file(path_, data_).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

  Result<DatasetCheck> check(const DatasetLayout& layout) {
    return check_dataset(path_, layout, report_);
  }

  fs::path dir_;
  std::string path_, data_;
  DatasetLayout layout_;
  ledger::pb::SubmitReport report_;
};

TEST_F(BundleDatasetTest, TheUploadedDataReproducesTheReportsChunkIds) {
  auto ok = check(layout_);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(ok->bytes, data_.size());
  EXPECT_EQ(ok->sha256, to_hex(ledger::chunk_data_hash(data_)));
  auto round = parse_layout(layout_to_json(layout_));
  ASSERT_TRUE(round.ok()) << round.error().to_string();
  EXPECT_EQ(layout_to_json(*round), layout_to_json(layout_));
}

TEST_F(BundleDatasetTest, EveryFlippedByteOfTheDataIsRefusedNamingItsChunk) {
  for (std::size_t at = 0; at < data_.size(); ++at) {
    std::string bad = data_;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    ASSERT_TRUE(write_file(path_, bad).ok());
    auto r = check(layout_);
    ASSERT_FALSE(r.ok()) << "byte " << at;
    EXPECT_EQ(r.error().code, "dataset_mismatch");
    const std::size_t chunk = at < layout_.chunks[0].bytes                             ? 0
                              : at < layout_.chunks[0].bytes + layout_.chunks[1].bytes ? 1
                                                                                       : 2;
    EXPECT_NE(r.error().message.find("chunk " + std::to_string(chunk) + " of 3"), std::string::npos)
        << "byte " << at << ": " << r.error().message;
  }
}

TEST_F(BundleDatasetTest, EachWrongLayoutFieldIsRefused) {
  auto refused = [&](const char* what, const std::function<void(DatasetLayout&)>& edit) {
    DatasetLayout l = layout_;
    edit(l);
    auto r = check(l);
    EXPECT_FALSE(r.ok()) << what;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "dataset_mismatch") << what;
    }
  };
  refused("template version", [](DatasetLayout& l) { l.template_version = 2; });
  refused("header length", [](DatasetLayout& l) { l.header_bytes -= 1; });
  refused("a first row", [](DatasetLayout& l) { l.chunks[1].first_row = 5; });
  refused("a boundary moved", [](DatasetLayout& l) {
    l.chunks[0].bytes += 6;
    l.chunks[1].bytes -= 6;
  });
  refused("a chunk left out", [](DatasetLayout& l) { l.chunks.pop_back(); });
  refused("chunks swapped", [](DatasetLayout& l) { std::swap(l.chunks[1], l.chunks[2]); });
  // The report's own fields take part too: another template or table is another chunk.
  report_.set_content_type("text/csv");
  EXPECT_FALSE(check(layout_).ok()) << "table";
}

TEST_F(BundleDatasetTest, AMissingShortOrLinkedDataFileIsRefused) {
  ASSERT_TRUE(write_file(path_, data_.substr(0, data_.size() - 1)).ok());
  auto short_file = check(layout_);
  ASSERT_FALSE(short_file.ok());
  EXPECT_EQ(short_file.error().code, "dataset_mismatch");
  fs::remove(path_);
  EXPECT_EQ(check(layout_).error().code, "file_not_found");
  const auto target = (dir_ / "elsewhere").string();
  ASSERT_TRUE(write_file(target, data_).ok());
  fs::create_symlink(target, path_);
  EXPECT_EQ(check(layout_).error().code, "not_a_file");
}

// The fuzzer's checked-in seed must stay a layout the parser accepts, or fuzzing starts nowhere.
TEST(BundleDatasetSeed, TheFuzzSeedIsACanonicalLayout) {
  auto text = read_file(std::string(RL_SOURCE_DIR) +
                        "/fuzz/seeds/client_bundle_layout_fuzz/two-chunks.json");
  ASSERT_TRUE(text.ok());
  auto layout = parse_layout(*text);
  ASSERT_TRUE(layout.ok()) << layout.error().to_string();
  EXPECT_EQ(layout->chunks.size(), 2u);
}

TEST_F(BundleDatasetTest, TheLayoutParserRefusesHostileText) {
  const std::string good = layout_to_json(layout_);
  auto refused = [](const std::string& text, const std::string& reason) {
    auto r = parse_layout(text);
    EXPECT_FALSE(r.ok()) << text;
    if (r.ok()) return;
    EXPECT_EQ(r.error().code, "bad_layout");
    EXPECT_NE(r.error().message.find(reason), std::string::npos)
        << "want '" << reason << "', got: " << r.error().message;
  };
  refused("[]", "must be a JSON object");
  refused("{", "not valid JSON");
  refused(R"({"a":[[[[1]]]]})", "nested deeper");
  refused(std::string(kMaxLayoutBytes + 1, ' '), "larger than");
  refused(R"({"template_version":1,"template_version":1})", "duplicate key");
  refused(R"({"template_version":1,"header_bytes":1,"chunks":[],"x":1})", "unknown key 'x'");
  refused(R"({"template_version":1,"header_bytes":1,"chunks":[]})", "'chunks' is empty");
  refused(R"({"template_version":-1,"header_bytes":1,"chunks":[]})", "non-negative");
  refused(R"({"template_version":4294967296,"header_bytes":1,"chunks":[]})", "larger than");
  refused(R"({"template_version":1,"header_bytes":5,"chunks":[{"first_row":1,"bytes":0}]})",
          "'bytes' is 0");
  refused(R"({"template_version":1,"header_bytes":5,"chunks":[{"first_row":1,"bytes":262145}]})",
          "larger than");
  refused(R"({"template_version":1,"header_bytes":9,"chunks":[{"first_row":1,"bytes":8}]})",
          "not inside the first chunk");
  refused(R"({"template_version":1,"header_bytes":5,"chunks":[{"first_row":1,"bytes":8,"z":0}]})",
          "unknown key 'z'");
  // Valid, but not as export writes it: every byte of the file is covered by a check.
  std::string spaced = good;
  spaced.insert(spaced.size() - 1, " ");
  refused(spaced, "canonical form");
}

}  // namespace
}  // namespace rl::client::bundle
