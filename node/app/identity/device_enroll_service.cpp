#include "node/app/identity/device_enroll_service.hpp"

#include <spdlog/spdlog.h>

#include "ledger/id_rules.hpp"
#include "node/app/identity/csr_check.hpp"
#include "node/http/json_error.hpp"
#include "offline/key_hierarchy.hpp"

namespace rl::node::identity {

using api::ApiError;

Result<DeviceEnrollResult> DeviceEnrollService::enroll(const Principal& caller,
                                                       const DeviceEnrollRequest& req,
                                                       const std::string& remote,
                                                       const TxSubmitter& submit) {
  auto out = [&]() -> Result<DeviceEnrollResult> {
    const auto& chain = auth_.ledger().chain();
    if (!chain.genesis().offline) {
      return http::api_error(ApiError::kOfflineDisabled,
                             "this network's genesis has no offline section");
    }
    // regledgerd does not start without it on an offline network; a node built otherwise
    // (tests, tools) must not hand out keys derived from nothing.
    if (master_key_.empty()) {
      return http::api_error(ApiError::kEnrollUnavailable, "this node holds no offline master key");
    }
    RL_TRY(ledger::check_device_id(req.device_id));
    if (!ledger::valid_id(req.owner_org)) {
      return http::api_error(ApiError::kBadField, "owner_org must be 1-64 of [A-Za-z0-9._-]");
    }
    if (!may_administer(caller, req.owner_org)) {
      return http::api_error(ApiError::kPermissionDenied,
                             "a device is enrolled by an admin of its owner organization or a "
                             "regulator admin");
    }
    // The ledger requires the device certificate's CN to be the device id (verify_device_chain).
    RL_ASSIGN_OR_RETURN(auto csr, check_csr(req.csr_pem, chain.anchor().suite, req.device_id));
    return issue_and_register(req, csr, submit);
  }();
  const std::string outcome = !out.ok() ? "refused" : out->committed ? "ok" : "pending";
  (void)auth_.audit().append(auth_.now_ms(), caller.account, "device_enroll", outcome,
                             out.ok() ? "" : out.error().code, remote);
  // Ids are logged only once they passed the id rule: a refused one may hold anything.
  auto shown = [](const std::string& id) { return ledger::valid_id(id) ? id : "(invalid)"; };
  spdlog::info("device enrollment device_id={} owner_org={} caller={} outcome={} code={}",
               shown(req.device_id), shown(req.owner_org), caller.account, outcome,
               out.ok() ? "" : out.error().code);
  return out;
}

Result<DeviceEnrollResult> DeviceEnrollService::issue_and_register(
    const DeviceEnrollRequest& req, const crypto::CertificateRequest& csr,
    const TxSubmitter& submit) {
  const auto& chain = auth_.ledger().chain();
  const auto suite = chain.anchor().suite;
  // Derived before anything is submitted: a registration must not commit without its key.
  RL_ASSIGN_OR_RETURN(auto mac_key,
                      offline::diversify_device_key(suite, master_key_, req.device_id));
  RL_ASSIGN_OR_RETURN(auto cert,
                      issue_end_entity(ca_, csr, auth_.now_ms() / 1000, cert_validity_s_));
  RL_ASSIGN_OR_RETURN(auto sub, submit_as_operator(
                                    chain, op_,
                                    [&](ledger::pb::TxBody& body) {
                                      auto* r = body.mutable_register_device();
                                      r->set_device_id(req.device_id);
                                      r->set_owner_org(req.owner_org);
                                      r->set_certificate_der(to_string(cert.to_der()));
                                      r->add_chain_der(to_string(ca_.cert.to_der()));
                                    },
                                    submit, wait_));
  DeviceEnrollResult out;
  out.device_id = req.device_id;
  out.owner_org = req.owner_org;
  out.certificate_pem = cert.to_pem();
  out.chain_pem = {ca_.cert.to_pem()};
  out.tx_id = sub.tx_id;
  out.committed = sub.committed;
  out.mac_key = std::move(mac_key);
  return out;
}

}  // namespace rl::node::identity
