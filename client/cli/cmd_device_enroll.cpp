#include <filesystem>
#include <iostream>

#include "api/routes.hpp"
#include "client/cli/device_enroll.hpp"
#include "client/cli/device_files.hpp"
#include "common/file_io.hpp"
#include "ledger/limits.hpp"
#include "offline/key_hierarchy.hpp"

namespace rl::cli {

using api::Route;
namespace {

using nlohmann::json;

std::string string_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The device's parts from the node's answer, each checked against what was asked: a node that
// answers with another key's certificate or a MAC key of the wrong size is not believed.
struct Issued {
  crypto::Certificate cert;
  crypto::Certificate issuer;
  Bytes mac_key;
};

Result<Issued> read_answer(const json& r, const crypto::PrivateKey& key, const std::string& id) {
  auto bad = [](const std::string& why) { return make_error("bad_response", why); };
  auto cert = crypto::Certificate::from_pem(string_of(r, "certificate_pem"));
  if (!cert.ok()) return bad("no certificate in the answer");
  if (cert->public_key().to_der() != key.public_key().to_der()) {
    return bad("the certificate is not for the device's key");
  }
  if (cert->subject().common_name != id) return bad("the certificate's CN is not " + id);
  auto chain = r.find("chain_pem");
  if (chain == r.end() || !chain->is_array() || chain->empty() || !(*chain)[0].is_string()) {
    return bad("no chain_pem in the answer");
  }
  auto issuer = crypto::Certificate::from_pem((*chain)[0].get<std::string>());
  if (!issuer.ok()) return bad("chain_pem does not parse");
  auto mac_key = from_hex(string_of(r, "mac_key"));
  if (!mac_key.ok() || mac_key->size() != offline::mac_key_size(key.suite())) {
    return bad("mac_key is not a MAC key of the network's suite");
  }
  return Issued{*cert, *issuer, std::move(mac_key).value()};
}

}  // namespace

int run_device_enroll(Globals& g, const DeviceEnrollArgs& a) {
  namespace fs = std::filesystem;
  if (fs::exists(fs::path(a.dir) / "key.pem")) {
    return report_error(make_error("already_exists", a.dir + " holds a device"));
  }
  if (g.genesis_file.empty()) {
    return report_error(make_error("bad_usage",
                                   "device enroll needs the network's genesis: --genesis FILE or "
                                   "$REGLEDGER_GENESIS (the device keeps a copy)"));
  }
  if (a.as.empty() && g.identity_dir.empty()) {
    return report_error(
        make_error("no_identity", "enroll as an admin: --as ADMIN_DIR or --identity ADMIN_DIR"));
  }
  auto text = read_file(g.genesis_file, ledger::limits::kMaxGenesisBytes);
  if (!text.ok()) return report_error(text.error());
  auto genesis = ledger::parse_genesis(*text);
  if (!genesis.ok()) return report_error(genesis.error());
  auto c = make_client(g, a.as);
  if (!c.ok()) return report_error(c.error());
  // The route is a POST, which the client does not log in for by itself.
  if (c->current_token().empty()) {
    auto t = c->login();
    if (!t.ok()) return report_error(t.error());
  }
  // The key pair is made here, "on the device"; only the CSR leaves it.
  auto key = crypto::PrivateKey::generate(genesis->suite);
  if (!key.ok()) return report_error(key.error());
  auto csr = crypto::CertificateRequest::create(*key, {a.id, "RegLedger", "Devices", ""});
  if (!csr.ok()) return report_error(csr.error());
  auto r =
      c->post_json(api::route_path<Route::kDevicesEnroll>(),
                   json{{"device_id", a.id}, {"owner_org", a.owner}, {"csr_pem", csr->to_pem()}});
  if (!r.ok()) return report_error(r.error());
  auto issued = read_answer(*r, *key, a.id);
  if (!issued.ok()) return report_error(issued.error());
  auto w = write_device_dir(a.dir, *genesis, *key, issued->cert, issued->issuer, issued->mac_key);
  if (!w.ok()) return report_error(w.error());
  std::cout << "device " << a.id << " enrolled for " << a.owner << " in " << a.dir
            << ": RegisterDevice tx " << string_of(*r, "tx_id") << " " << string_of(*r, "status")
            << "\n";
  return 0;
}

}  // namespace rl::cli
