#pragma once
// The identity endpoints of the client API and the session gate the query endpoints use:
//   POST /v1/auth/challenge {account}            -> {challenge_id, challenge, expires_at}
//   POST /v1/auth/login {account, password, certificate_pem, chain_pem?, challenge_id,
//                        signature}              -> {token, expires_at, account, permission}
//   POST /v1/auth/logout                         (Authorization: Bearer <token>)
//   GET  /v1/auth/session                        who the token belongs to
//   GET  /v1/audit?from=SEQ&limit=N              auditor / regulator sessions only
//   GET  /v1/crl                                 public; PEM CRL signed by the issuing CA
//   POST /v1/enroll {account, password, csr_pem} -> {certificate_pem, chain, tx_id, status}
//                                                  or {request_id, status: awaiting_approval}
//   POST /v1/enroll/<id>/approve                 an admin of the organization (session)
//   GET  /v1/enroll/<id>                         what became of a request
//   POST /v1/devices/enroll {device_id, owner_org, csr_pem}   (session: an admin of owner_org
//                   or a regulator admin) -> {certificate_pem, chain_pem, tx_id, committed,
//                   status, mac_key}
// Logic lives in AuthService and read_policy; this file only speaks HTTP.

#include <mutex>
#include <optional>

#include "api/http_types.hpp"
#include "api/routes.hpp"
#include "node/app/identity/auth_service.hpp"
#include "node/app/identity/crl.hpp"
#include "node/app/identity/device_enroll_service.hpp"
#include "node/app/identity/enroll_service.hpp"

namespace rl::node::identity {

// "session": every data-bearing query needs a session (the default). "open": reads are not
// gated, for networks that carry no confidential data (load tests of consensus); never for
// production data. Writes are gated by the ledger in either mode.
enum class ReadAccess { kSession, kOpen };

class IdentityApi {
 public:
  // `ca`: the issuing CA this node signs CRLs with (nullopt: no /v1/crl, crl_unavailable).
  IdentityApi(AuthService& auth, ReadAccess access, std::optional<IssuingCa> ca = std::nullopt)
      : auth_(auth), access_(access), ca_(std::move(ca)) {}

  // Answers the identity routes; nullopt for any other. `match` is the request's route, whose
  // methods the caller (Api::route) has checked against the route table.
  std::optional<http::HttpResponse> route(const http::HttpRequest& req,
                                          const api::RouteMatch& match);

  // The authenticated reader of a query. nullopt principal = open reads (ReadAccess::kOpen
  // and no token given). Codes: session_required, and those of AuthService::authenticate.
  Result<std::optional<Principal>> reader(const http::HttpRequest& req);

  AuthService& auth() { return auth_; }
  // Enrollment (nullptr: /v1/enroll answers enroll_unavailable). Not owned.
  void set_enroll_service(EnrollService* service) { enroll_ = service; }
  // Device enrollment (nullptr: /v1/devices/enroll answers enroll_unavailable). Not owned.
  void set_device_enroll_service(DeviceEnrollService* service) { device_enroll_ = service; }
  // How enrollment hands its BindCertificate to this node's admission (set by the Api).
  void set_submitter(TxSubmitter submit) { submit_ = std::move(submit); }

 private:
  http::HttpResponse challenge(const http::HttpRequest& req);
  http::HttpResponse login(const http::HttpRequest& req);
  http::HttpResponse logout(const http::HttpRequest& req);
  http::HttpResponse session(const http::HttpRequest& req);
  http::HttpResponse audit(const http::HttpRequest& req);
  http::HttpResponse crl();
  http::HttpResponse enroll(const http::HttpRequest& req);
  http::HttpResponse approve_enrollment(const http::HttpRequest& req, const std::string& id);
  http::HttpResponse enrollment_status(const std::string& id);
  http::HttpResponse enroll_device(const http::HttpRequest& req);

  AuthService& auth_;
  ReadAccess access_;
  std::optional<IssuingCa> ca_;
  // GET /v1/crl is public: one signed CRL per committed height serves every request until the
  // head moves (or half its validity has passed), instead of a scan and a signature per request.
  std::mutex crl_mu_;
  std::optional<CrlSnapshot> crl_cache_;
  std::int64_t crl_built_s_ = 0;
  EnrollService* enroll_ = nullptr;
  DeviceEnrollService* device_enroll_ = nullptr;
  TxSubmitter submit_;
};

// The answer to an enrollment request, approval or status query.
http::HttpResponse enroll_answer(const EnrollResult& r);
// The bearer token of a request ("" when absent).
std::string bearer_token(const http::HttpRequest& req);
// {"code":"0105","input":true,"output":true,"level":5}
nlohmann::json permission_json(const Principal& p);

}  // namespace rl::node::identity
