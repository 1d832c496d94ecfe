#include "client/cli/device_files.hpp"

#include <filesystem>

#include "common/file_io.hpp"

namespace rl::cli {

Status write_device_dir(const std::string& dir, const ledger::Genesis& genesis,
                        const crypto::PrivateKey& key, const crypto::Certificate& cert,
                        const crypto::Certificate& issuer, ByteView mac_key) {
  namespace fs = std::filesystem;
  const fs::path d(dir);
  std::error_code ec;
  fs::create_directories(d / "state", ec);
  if (ec) return make_error("io_error", "cannot create " + (d / "state").string());
  RL_TRY(write_file((d / "genesis.json").string(), ledger::genesis_to_json(genesis)));
  RL_TRY(write_file((d / "key.pem").string(), key.to_pem(), true));
  RL_TRY(write_file((d / "cert.pem").string(), cert.to_pem()));
  RL_TRY(write_file((d / "chain.pem").string(), issuer.to_pem()));
  RL_TRY(write_file((d / "mac.key").string(), to_hex(mac_key) + "\n", true));
  return {};
}

}  // namespace rl::cli
