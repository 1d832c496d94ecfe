#include "ledger/rekey.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "ledger/storage_encryption.hpp"

namespace rl::ledger {
namespace {

namespace fs = std::filesystem;

// Removes what a crash left of an interrupted re-encryption of one file.
Status remove_temp_files(const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (it->is_regular_file() && is_reencrypt_temp_name(it->path().filename().string())) {
        fs::remove(it->path(), ec);
      }
    }
    if (ec) return make_error("storage_error", "cannot walk " + dir + ": " + ec.message());
  }
  return {};
}

Result<std::size_t> reencrypt_all(const std::vector<std::string>& dirs,
                                  const std::vector<std::uint32_t>& retiring,
                                  const EncryptedEnv& env) {
  RL_ASSIGN_OR_RETURN(auto files, files_under_keys(dirs, retiring));
  for (const auto& f : files) RL_TRY(reencrypt_file(f, env));
  return files.size();
}

}  // namespace

Result<std::vector<std::string>> files_under_keys(const std::vector<std::string>& dirs,
                                                  const std::vector<std::uint32_t>& key_ids) {
  std::vector<std::string> out;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file() || is_reencrypt_temp_name(it->path().filename().string())) {
        continue;
      }
      // LOG files are RocksDB's own diagnostics, written around the Env (no report data).
      const auto name = it->path().filename().string();
      if (name == "LOCK" || name.rfind("LOG", 0) == 0) continue;
      RL_ASSIGN_OR_RETURN(auto header, read_encrypted_file_header(it->path().string()));
      if (header && std::find(key_ids.begin(), key_ids.end(), header->key_id) != key_ids.end()) {
        out.push_back(it->path().string());
      }
    }
    if (ec) return make_error("storage_error", "cannot walk " + dir + ": " + ec.message());
  }
  return out;
}

Result<RekeyResult> rekey(DataKeyStore& keys, const EncryptedEnv& env,
                          const std::vector<Store*>& stores,
                          const std::vector<std::string>& backup_dirs,
                          const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& line) {
    spdlog::info("rekey {}", line);
    if (progress) progress(line);
  };
  RekeyResult result;
  result.resumed = !keys.retiring().empty();
  if (result.resumed) {
    say("resuming: key " + std::to_string(keys.current_id()) + " is current, " +
        std::to_string(keys.retiring().size()) + " key(s) retiring");
  } else {
    RL_TRY(keys.begin_rotation());
    say("step 1/5: data key " + std::to_string(keys.current_id()) + " created and current");
  }
  result.new_key = keys.current_id();
  const auto retiring = keys.retiring();
  std::vector<std::string> all_dirs = backup_dirs;
  for (Store* s : stores) all_dirs.push_back(s->path());
  RL_TRY(remove_temp_files(all_dirs));

  for (Store* s : stores) {
    say("step 2/5: rewriting every table of " + s->path());
    RL_TRY(s->rewrite_all_tables());
  }
  for (Store* s : stores) {
    std::size_t n = 0;
    RL_TRY(s->reopen([&]() -> Status {
      RL_ASSIGN_OR_RETURN(n, reencrypt_all({s->path()}, retiring, env));
      return {};
    }));
    result.files_reencrypted += n;
    say("step 3/5: " + s->path() + " reopened, " + std::to_string(n) +
        " small file(s) re-encrypted while closed");
  }
  RL_ASSIGN_OR_RETURN(std::size_t backup_files, reencrypt_all(backup_dirs, retiring, env));
  result.files_reencrypted += backup_files;
  say("step 4/5: " + std::to_string(backup_files) + " backup file(s) re-encrypted");

  RL_ASSIGN_OR_RETURN(auto left, files_under_keys(all_dirs, retiring));
  if (!left.empty()) {
    return make_error("rekey_incomplete", std::to_string(left.size()) +
                                              " file(s) are still under a retiring key, e.g. " +
                                              left.front() + "; run the rekey again");
  }
  result.destroyed = retiring;
  RL_TRY(keys.finish_rotation());
  std::string ids;
  for (auto id : retiring) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  say("step 5/5: no file is under key(s) " + ids + " any more; destroyed");
  return result;
}

}  // namespace rl::ledger
