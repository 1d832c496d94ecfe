#include "tests/support/api_enroll.hpp"

#include <nlohmann/json.hpp>
#include <thread>

#include "client/lib/session.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "genesis/network_init.hpp"

namespace rl::testing {

using nlohmann::json;

http::HttpsClient ApiTarget::client(int timeout_ms) const {
  http::HttpsClientConfig c;
  c.host = "127.0.0.1";
  c.port = static_cast<std::uint16_t>(port);
  c.ca_pem = ca_pem;
  c.timeout_ms = timeout_ms;
  return http::HttpsClient(c);
}

std::uint64_t api_height(const ApiTarget& t) {
  auto c = t.client();
  auto r = c.get("/v1/status");
  if (!r.ok() || r->status != 200) return 0;
  auto j = json::parse(r->body, nullptr, false);
  return j.is_object() ? j.value("height", std::uint64_t{0}) : 0;
}

Result<std::string> login_over_api(const ApiTarget& t, const client::Identity& id) {
  RL_ASSIGN_OR_RETURN(auto pw, read_file(id.dir + "/password", 4096));
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  auto c = t.client();
  RL_ASSIGN_OR_RETURN(auto s, client::login_over(c, id, pw));
  return s.token;
}

Result<std::string> submit_and_wait(const ApiTarget& t, const Bytes& tx,
                                    std::chrono::milliseconds timeout, const std::string& token) {
  auto c = t.client();
  RL_ASSIGN_OR_RETURN(auto r, c.post("/v1/txs", json{{"tx", to_base64(tx)}}.dump()));
  if (r.status != 202) return make_error("rejected", r.body);
  auto id = json::parse(r.body)["tx_id"].get<std::string>();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto g = c.request("GET", "/v1/txs/" + id, {},
                       token.empty() ? http::HeaderList{} : client::bearer_headers(token));
    if (g.ok() && g->status == 200 && json::parse(g->body)["status"] == "committed") return id;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return make_error("wait_timeout", "tx " + id + " not committed");
}

Result<client::Identity> enroll_over_api(const ApiTarget& t, const ledger::Genesis& genesis,
                                         const client::Identity& admin, const std::string& net_dir,
                                         const std::string& org, const std::string& account,
                                         const std::string& permission) {
  RL_ASSIGN_OR_RETURN(auto token, login_over_api(t, admin));
  auto as_admin = [&](const std::function<void(ledger::pb::TxBody&)>& fill) -> Status {
    RL_ASSIGN_OR_RETURN(auto tx,
                        client::build_signed_tx(admin, genesis.chain_id, api_height(t), fill));
    RL_ASSIGN_OR_RETURN(auto id, submit_and_wait(t, tx, std::chrono::seconds(20), token));
    (void)id;
    return {};
  };
  RL_TRY(as_admin([&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_register_organization();
    p->set_org_id(org);
    p->set_name(org);
    p->set_kind("institution");
  }));
  RL_ASSIGN_OR_RETURN(auto cred, genesis::make_credential("a long test password", 1024));
  RL_TRY(as_admin([&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_register_account();
    p->set_account_id(account);
    p->set_org_id(org);
    p->set_role("reporter");
    p->set_permission_code(permission);
    auto* c = p->mutable_credential();
    c->set_salt(to_string(cred.salt));
    c->set_hash(to_string(cred.hash));
    c->set_n(cred.n);
    c->set_r(cred.r);
    c->set_p(cred.p);
  }));
  RL_ASSIGN_OR_RETURN(auto ca_pem, read_file(net_dir + "/ca/issuing.pem"));
  RL_ASSIGN_OR_RETURN(auto ca_key_pem, read_file(net_dir + "/ca/issuing.key"));
  RL_ASSIGN_OR_RETURN(auto ca, crypto::Certificate::from_pem(ca_pem));
  RL_ASSIGN_OR_RETURN(auto ca_key, crypto::PrivateKey::from_pem(ca_key_pem));
  RL_ASSIGN_OR_RETURN(auto key, crypto::PrivateKey::generate(genesis.suite));
  RL_ASSIGN_OR_RETURN(auto csr, crypto::CertificateRequest::create(key, {account, org, "", ""}));
  crypto::IssueOptions io;
  auto now = rl::wall_now_s();
  io.not_before = now - 3600;
  io.not_after = now + 86400;
  RL_ASSIGN_OR_RETURN(auto cert, crypto::issue_certificate(ca, ca_key, csr, io));
  RL_TRY(as_admin([&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_bind_certificate();
    p->set_account_id(account);
    p->set_certificate_der(to_string(cert.to_der()));
  }));
  return client::Identity{
      "", account, org, genesis.chain_id, genesis.suite, key, cert, cert.id(genesis.suite)};
}

}  // namespace rl::testing
