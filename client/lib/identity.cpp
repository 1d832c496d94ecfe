#include "client/lib/identity.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/file_io.hpp"

namespace rl::client {
namespace {
Error bad(const std::string& what) {
  return make_error("bad_identity", what);
}
}  // namespace

Result<Identity> load_identity(const std::string& dir) {
  namespace fs = std::filesystem;
  auto path = [&](const char* f) { return (fs::path(dir) / f).string(); };
  auto meta_text = read_file(path("identity.json"), 64 * 1024);
  if (!meta_text.ok()) return bad(meta_text.error().message);
  auto meta = nlohmann::json::parse(*meta_text, nullptr, false);
  if (meta.is_discarded() || !meta.is_object() || !meta.contains("account") ||
      !meta["account"].is_string()) {
    return bad(path("identity.json") + " must be a JSON object with an \"account\"");
  }
  auto key_pem = read_file(path("key.pem"), 64 * 1024);
  if (!key_pem.ok()) return bad(key_pem.error().message);
  auto cert_pem = read_file(path("cert.pem"), 64 * 1024);
  if (!cert_pem.ok()) return bad(cert_pem.error().message);
  auto key = crypto::PrivateKey::from_pem(*key_pem);
  if (!key.ok()) return bad(path("key.pem") + ": " + key.error().message);
  auto cert = crypto::Certificate::from_pem(*cert_pem);
  if (!cert.ok()) return bad(path("cert.pem") + ": " + cert.error().message);
  if (cert->public_key().to_der() != key->public_key().to_der()) {
    return bad("cert.pem does not belong to key.pem in " + dir);
  }
  auto suite = crypto::parse_suite(meta.value("suite", std::string("p256-sha256")));
  if (!suite.ok()) return bad("unknown suite in identity.json");
  Identity id{dir,
              meta["account"].get<std::string>(),
              meta.value("org", std::string()),
              meta.value("chain_id", std::string()),
              *suite,
              *key,
              *cert,
              cert->id(*suite)};
  return id;
}

Status save_identity(const std::string& dir, const std::string& account, const std::string& org,
                     const std::string& chain_id, crypto::Suite suite,
                     const crypto::PrivateKey& key, const crypto::Certificate& cert) {
  namespace fs = std::filesystem;
  nlohmann::json meta = {{"account", account},
                         {"org", org},
                         {"chain_id", chain_id},
                         {"suite", std::string(crypto::suite_name(suite))}};
  RL_TRY(write_file((fs::path(dir) / "identity.json").string(), meta.dump(2) + "\n"));
  RL_TRY(write_file((fs::path(dir) / "key.pem").string(), key.to_pem(), true));
  RL_TRY(write_file((fs::path(dir) / "cert.pem").string(), cert.to_pem()));
  return {};
}

}  // namespace rl::client
