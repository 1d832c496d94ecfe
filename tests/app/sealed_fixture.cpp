#include "tests/app/sealed_fixture.hpp"

#include "api/routes.hpp"
#include "common/file_io.hpp"
#include "ledger/sealed_access.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {

using nlohmann::json;

SealedFixture::SealedFixture()
    : node_({}, /*offline=*/false),
      submitter_(node_.enroll_reporter("bank-a", "bank-a-reporter", "0105")),
      bank_a_admin_(
          node_.enroll_reporter("bank-a", "bank-a-admin", "0105", "institution", "admin")),
      reg_auditor_(
          node_.enroll_reporter("regulator", "reg-auditor", "1105", "regulator", "auditor")),
      fiu_auditor_(node_.enroll_reporter("fiu", "fiu-auditor", "1105", "institution", "auditor")),
      aml_officer_(node_.enroll_reporter("regulator", "aml-officer", "1105", "regulator",
                                         "reporter", "aml")),
      bank_b_auditor_(
          node_.enroll_reporter("bank-b", "bank-b-auditor", "1105", "institution", "auditor")),
      reg_reporter_(
          node_.enroll_reporter("regulator", "reg-reporter", "1105", "regulator", "reporter")),
      bank_b_reporter_(node_.enroll_reporter("bank-b", "bank-b-reporter", "1105")) {
  services_.push_back("ks-node0");
  service_keys_.emplace(
      "ks-node0",
      must(crypto::PrivateKey::from_pem(must(read_file(node_.key_service_key_file())))));
  for (int i = 1; i <= 3; ++i) {
    const std::string name = "ks-" + std::to_string(i);
    auto key = must(crypto::PrivateKey::generate(node_.genesis.suite));
    const auto path = (node_.dir / (name + ".key")).string();
    must(write_file(path, key.to_pem(), /*private=*/true));
    govern("add-" + name, [&](ledger::pb::Propose& p) {
      auto* a = p.mutable_set_key_service();
      a->set_name(name);
      a->set_org_id("regulator");
      a->set_public_key_der(to_string(key.public_key().to_der()));
      a->set_api_url("https://127.0.0.1:1");
    });
    auto keys = must(node::sealed::KeyServiceKeys::load(node_.genesis.suite, {path}));
    in_process_[name] = std::make_unique<node::sealed::SealedApi>(
        *node_.chain, *node_.identity,
        std::make_unique<node::sealed::KeyReleaser>(*node_.chain, name, std::move(keys)));
    services_.push_back(name);
    service_keys_.emplace(name, std::move(key));
  }
  govern("t-policy", [](ledger::pb::Propose& p) {
    p.mutable_set_sealing_policy()->set_policy_id(kTPolicy);
    p.mutable_set_sealing_policy()->set_policy(kT);
  });
  govern("fiu-attr", [](ledger::pb::Propose& p) {
    p.mutable_grant_attribute()->set_account_id("fiu-auditor");
    p.mutable_grant_attribute()->set_attribute("fiu");
  });
}

void SealedFixture::govern(const std::string& id,
                           const std::function<void(ledger::pb::Propose&)>& action) {
  const auto code = node_.submit_as(*node_.admin, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_propose();
    p->set_proposal_id(id);
    p->set_expires_at_height(node_.chain->head().height + 100);
    action(*p);
  });
  ASSERT_EQ(code, "") << id;
}

std::vector<client::KeyServiceInfo> SealedFixture::key_services() {
  auto c = node_.client();
  auto r = c.get("/v1/key-services");
  EXPECT_TRUE(r.ok());
  return must(client::parse_key_services(json::parse(r->body)));
}

ledger::pb::SubmitReport SealedFixture::sealed_report(const client::Identity& who,
                                                      const std::string& plaintext,
                                                      const std::string& s_policy,
                                                      std::uint32_t threshold,
                                                      const std::vector<std::string>& keywords,
                                                      const std::vector<std::string>& services) {
  client::SealRequest req{kTPolicy, s_policy, threshold, services, keywords};
  auto sealed = must(client::seal_payload(node_.genesis.suite, node_.genesis.chain_id, who.org,
                                          who.account, req, key_services(), as_bytes(plaintext)));
  ledger::pb::SubmitReport r;
  r.set_template_id("capital-adequacy");
  r.set_period("2026-Q3");
  r.set_content_type("application/json");
  r.set_payload(to_string(sealed.ciphertext));
  *r.mutable_seal() = std::move(sealed.envelope);
  return r;
}

std::string SealedFixture::submit(const client::Identity& who,
                                  const ledger::pb::SubmitReport& report, std::string* report_id) {
  auto c = node_.client();
  auto r = node_.post_tx_bytes(
      c, node_.sign(who, [&](ledger::pb::TxBody& b) { *b.mutable_submit_report() = report; }));
  if (!r.ok()) return r.error().code;
  auto j = json::parse(r->body);
  if (r->status != 202) return j["error"]["code"];
  node_.seal();
  if (report_id) *report_id = j["tx_id"];
  return "";
}

std::string SealedFixture::seal_and_submit(const client::Identity& who,
                                           const std::string& plaintext,
                                           const std::string& s_policy,
                                           const std::vector<std::string>& keywords,
                                           std::uint32_t threshold) {
  std::string id;
  EXPECT_EQ(submit(who, sealed_report(who, plaintext, s_policy, threshold, keywords), &id), "");
  return id;
}

Answer SealedFixture::release(const std::string& service, const std::string& token,
                              const std::string& body) {
  auto headers = client::bearer_headers(token);
  if (service == "ks-node0") {
    auto c = node_.client();
    auto r =
        c.request("POST", "/v1/keys/release", body, token.empty() ? http::HeaderList{} : headers);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return {};
    return {r->status, r->body, r->headers};
  }
  http::HttpRequest req;
  req.method = "POST";
  req.target = req.path = "/v1/keys/release";
  if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
  req.body = body;
  req.remote = "127.0.0.1:1";
  // The other key services run in-process, without an Api in front: the route is matched here,
  // as Api::route would.
  auto resp = in_process_.at(service)->route(req, *api::match_route(req.path));
  return {resp.status, resp.body, resp.headers};
}

Answer SealedFixture::release_as(const std::string& service, const client::Identity& reader,
                                 const std::string& report_id) {
  const auto token = node_.login(reader, NodeFixture::kPassword, "keys");
  auto body = must(client::release_request(reader, report_id, service, node_.now_ms()));
  return release(service, token, body.dump());
}

Answer SealedFixture::document(const std::string& token, const std::string& report_id) {
  auto r = node_.get(token, "/v1/sealed/" + report_id);
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return {};
  return {r->status, r->body, r->headers};
}

Result<std::string> SealedFixture::open_as(const client::Identity& reader,
                                           const std::string& report_id,
                                           const std::vector<std::string>& services) {
  const auto doc_token = node_.login(reader);
  auto d = document(doc_token, report_id);
  if (d.status != 200) return make_error(d.code(), d.body);
  RL_ASSIGN_OR_RETURN(auto fetched, client::parse_fetched_sealed(reader.chain_id, d.json()));
  std::vector<crypto::shamir::Share> shares;
  std::optional<Error> first_refusal;
  for (const auto& s : fetched.shares) {
    if (shares.size() >= fetched.threshold) break;
    if (std::find(services.begin(), services.end(), s.service) == services.end()) continue;
    auto a = release_as(s.service, reader, report_id);
    if (a.status != 200) {
      if (!first_refusal) first_refusal = make_error(a.code(), a.body);
      continue;
    }
    RL_ASSIGN_OR_RETURN(auto share,
                        client::share_from_release(reader, report_id, s.service, s.x, a.json()));
    shares.push_back(std::move(share));
  }
  if (shares.size() < fetched.threshold && first_refusal) return *first_refusal;
  RL_ASSIGN_OR_RETURN(auto key, client::recover_data_key(reader.suite, fetched, shares));
  RL_ASSIGN_OR_RETURN(auto plain, client::open_payload(reader.suite, fetched, key));
  return to_string(plain);
}

Bytes SealedFixture::data_key(const std::string& report_id) {
  const auto doc_token = node_.login(reg_auditor_);
  auto fetched = must(
      client::parse_fetched_sealed(reg_auditor_.chain_id, document(doc_token, report_id).json()));
  std::vector<crypto::shamir::Share> shares;
  for (const auto& s : fetched.shares) {
    if (shares.size() >= fetched.threshold) break;
    shares.push_back(
        must(client::share_from_release(reg_auditor_, report_id, s.service, s.x,
                                        release_as(s.service, reg_auditor_, report_id).json())));
  }
  return must(client::recover_data_key(reg_auditor_.suite, fetched, shares));
}

}  // namespace rl::testing
