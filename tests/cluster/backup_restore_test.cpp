// Backups and restore with real processes (issue #14, docs/protection.md "Backups and restore:
// runbook"): a backup of a validator taken while the network commits, restored onto its wiped
// home, catches up to the others' app hash; a copy of that backup with one byte flipped is
// refused by verify-backup and by restore, and the home is left as it was.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/cluster/cluster_checks.hpp"
#include "tests/support/cluster.hpp"

namespace rl::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs regledgerd with `args` and returns its exit code and output.
Run regledgerd(const std::string& args) {
  const std::string cmd = std::string(RL_BINARY_DIR) + "/node/regledgerd " + args + " 2>&1";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) r.output += buf;
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void flip_byte(const fs::path& file, std::size_t offset) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << file;
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  ASSERT_TRUE(f.good()) << file;
  c = static_cast<char>(c ^ 0x01);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

// The largest SST of the chain backup: it holds blocks and state.
fs::path largest_chain_sst(const fs::path& backups) {
  fs::path best;
  std::uintmax_t size = 0;
  for (const auto& e : fs::directory_iterator(backups / "chain" / "shared_checksum")) {
    if (e.path().extension() == ".sst" && e.file_size() > size) {
      best = e.path();
      size = e.file_size();
    }
  }
  return best;
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(BackupRestoreTest, ABackupTakenWhileCommittingRestoresAWipedValidatorThatCatchesUp) {
  ClusterOptions o;
  o.name = "backup";
  Cluster c(o);
  c.start_all();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, 2, seconds(30))) << c.all_logs_tail();
  auto reporter = enroll_reporter(c, 0);

  // A steady stream of reports through validators 0..2 (3 stays out of it: it will be killed).
  // A jthread: an ASSERT leaving the test early still stops and joins it.
  std::atomic<int> committed{0};
  std::jthread load([&](std::stop_token stop) {
    for (int n = 0; !stop.stop_requested(); ++n) {
      auto r =
          submit_report(c, static_cast<std::size_t>(n % 3), reporter, "2026-B" + std::to_string(n));
      if (r.ok()) ++committed;
    }
  });
  auto stop_load = [&] {
    load.request_stop();
    if (load.joinable()) load.join();
  };
  while (committed < 5) std::this_thread::sleep_for(std::chrono::milliseconds(50));

  const std::string home3 = c.home(3);
  const fs::path backups = fs::path(home3) / "backups";
  const std::uint64_t before = c.height(3);
  auto backup = regledgerd("backup --home " + home3);
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  std::printf("%s", backup.output.c_str());
  EXPECT_NE(backup.output.find("backup done (online)"), std::string::npos) << backup.output;
  const int at_backup = committed;
  while (committed < at_backup + 5) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_GT(c.height(0), before) << "the network kept committing";

  c.kill9(3);
  c.wipe_data(3);
  fs::remove_all(fs::path(home3) / "audit");
  const auto home_before = listing(home3);

  // The backup as taken verifies: checksums, the chain from genesis, the audit log.
  auto verified = regledgerd("verify-backup --home " + home3 + " --from " + backups.string());
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  std::printf("%s", verified.output.c_str());
  EXPECT_NE(verified.output.find(": OK"), std::string::npos) << verified.output;

  // Corrupted copies: one byte flipped in the largest SST, in the keystore copy.
  const std::uint64_t sign_from = c.height(0) + 3;
  const std::string sign_arg = " --sign-from-height " + std::to_string(sign_from);
  // Where one byte is flipped: the middle of the largest SST's body (after the 4 KiB encryption
  // header), a hex digit of the keystore copy's first wrapped key.
  struct Corruption {
    const char* name;
    std::function<fs::path(const fs::path&)> victim;
    std::function<std::size_t(const fs::path&)> offset;
    std::vector<std::string> codes;  // any of them
  };
  const std::vector<Corruption> corruptions = {
      {"sst",
       largest_chain_sst,
       [](const fs::path& f) { return 4096 + (fs::file_size(f) - 4096) / 2; },
       {"backup_corrupt"}},
      {"data-keys",
       [](const fs::path& b) { return b / "data-keys.json"; },
       [](const fs::path& f) {
         std::ifstream in(f);
         const std::string t((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
         return t.find("\"wrapped\"") + 14;
       },
       // A flipped digit no longer unwraps (or breaks the wrapped key's format); a flipped letter
       // may stop being hex.
       {"kek_mismatch", "bad_wrapped_key", "bad_data_keys"}},
  };
  auto has_code = [](const std::string& out, const std::vector<std::string>& codes) {
    return std::any_of(codes.begin(), codes.end(),
                       [&](const auto& code) { return out.find(code) != std::string::npos; });
  };
  for (const auto& k : corruptions) {
    SCOPED_TRACE(k.name);
    const fs::path copy = fs::path(c.dir()) / (std::string("corrupt-") + k.name);
    fs::copy(backups, copy, fs::copy_options::recursive);
    const fs::path victim = k.victim(copy);
    ASSERT_FALSE(victim.empty());
    const std::size_t offset = k.offset(victim);
    flip_byte(victim, offset);
    auto v = regledgerd("verify-backup --home " + home3 + " --from " + copy.string());
    EXPECT_NE(v.exit_code, 0) << v.output;
    EXPECT_TRUE(has_code(v.output, k.codes)) << v.output;
    auto r = regledgerd("restore --home " + home3 + " --from " + copy.string() + sign_arg);
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has_code(r.output, k.codes)) << r.output;
    EXPECT_EQ(listing(home3), home_before) << "the home changed";
  }

  // A validator is not restored without a signing floor above the backup's head.
  auto no_floor = regledgerd("restore --home " + home3 + " --from " + backups.string());
  EXPECT_NE(no_floor.exit_code, 0);
  EXPECT_NE(no_floor.output.find("sign_from_height_required"), std::string::npos)
      << no_floor.output;
  EXPECT_EQ(listing(home3), home_before);

  auto restored = regledgerd("restore --home " + home3 + " --from " + backups.string() + sign_arg);
  ASSERT_EQ(restored.exit_code, 0) << restored.output;
  std::printf("%s", restored.output.c_str());
  EXPECT_NE(restored.output.find("restored backup"), std::string::npos) << restored.output;
  EXPECT_TRUE(fs::exists(fs::path(home3) / "data" / "CURRENT"));
  EXPECT_TRUE(fs::exists(fs::path(home3) / "audit" / "CURRENT"));
  // Restoring twice is refused: the home has stores now.
  auto twice = regledgerd("restore --home " + home3 + " --from " + backups.string() + sign_arg);
  EXPECT_NE(twice.exit_code, 0);
  EXPECT_NE(twice.output.find("restore_target_not_empty"), std::string::npos) << twice.output;

  // The restored node backs itself up on a schedule: every 10 s (the shortest), keeping 2.
  c.update_config(3, [](node::NodeConfig& cfg) {
    cfg.backup_interval_s = 10;
    cfg.backup_keep = 2;
  });
  const auto meta_ids = [&] {
    std::vector<int> ids;
    for (const auto& name : listing(backups / "chain" / "meta")) ids.push_back(std::stoi(name));
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const auto ids_before = meta_ids();
  ASSERT_EQ(ids_before.size(), 1u);
  c.start(3);
  const std::uint64_t target = c.height(0) + 3;
  ASSERT_TRUE(c.wait_height({3}, target, seconds(120))) << c.log_tail(3);
  stop_load();
  ASSERT_TRUE(c.wait_height({0, 1, 2, 3}, target, seconds(60))) << c.all_logs_tail();
  EXPECT_EQ(c.app_hash(3, target), c.app_hash(0, target));
  EXPECT_FALSE(c.app_hash(3, target).empty());
  expect_same_chain(c, {0, 1, 2, 3}, target);

  std::vector<int> ids_after;
  // Two scheduled backups: the restored one is purged.
  for (int i = 0; i < 400; ++i) {
    ids_after = meta_ids();
    if (ids_after.size() == 2 && ids_after.front() > ids_before.front()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(ids_after.size(), 2u) << "retention keeps 2";
  EXPECT_GT(ids_after.front(), ids_before.front()) << "scheduled backups were taken";
  EXPECT_EQ(c.stop(3), 0) << "the node stops cleanly with the backup schedule running";
}

}  // namespace
}  // namespace rl::testing
