#pragma once
// Internals shared by the executor's translation units (executor.cpp, exec_identity.cpp,
// exec_governance.cpp). Not part of the ledger's interface.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/x509.hpp"
#include "ledger/executor.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/limits.hpp"
#include "ledger/permission.hpp"

namespace rl::ledger::exec {

template <typename Msg>
Bytes encode(const Msg& m) {
  std::string s;
  m.SerializeToString(&s);
  return to_bytes(s);
}

template <typename Msg>
Result<std::optional<Msg>> load(const StateOverlay& state, const Bytes& key) {
  RL_ASSIGN_OR_RETURN(auto raw, state.get(key));
  if (!raw) return std::optional<Msg>();
  Msg m;
  if (!m.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("state_corrupt", "cannot decode state record");
  }
  return std::optional<Msg>(std::move(m));
}

inline Error denied(const std::string& why) {
  return make_error("permission_denied", why);
}

// The signer's account and organization, loaded once per transaction.
struct Signer {
  pb::AccountRecord account;
  pb::OrganizationRecord org;
};

inline bool is_regulator_admin(const Signer& s) {
  return s.account.role() == "admin" && s.org.kind() == "regulator";
}
inline bool is_org_admin(const Signer& s, std::string_view org_id) {
  return s.account.role() == "admin" && s.account.org_id() == org_id;
}

Result<PermissionMapping> load_mapping(const StateOverlay& state);

// The roots a BindCertificate chain may end in at this point of the chain: the genesis roots
// plus the roots governance added, minus the ones governance removed.
Result<std::vector<crypto::Certificate>> effective_roots(const TrustAnchor& anchor,
                                                         const StateOverlay& state);

// Validates a certificate for binding to `account_id` at `time_ms` against `roots`.
Result<pb::CertificateRecord> certificate_record(
    const TrustAnchor& anchor, const std::vector<crypto::Certificate>& roots,
    const std::string& account_id, const std::string& der,
    const google::protobuf::RepeatedPtrField<std::string>& chain, std::int64_t time_ms);

// Stores a bound certificate and its per-account index entry.
void put_certificate(StateOverlay& state, const pb::CertificateRecord& rec);

// Identity payloads (exec_identity.cpp).
Status exec_register_org(const Signer& s, StateOverlay& state, const pb::RegisterOrganization& p,
                         const BlockContext& ctx);
Status exec_register_account(const Signer& s, StateOverlay& state, const pb::RegisterAccount& p,
                             const BlockContext& ctx);
Status exec_bind_certificate(const ExecEnv& env, const Signer& s, StateOverlay& state,
                             const pb::BindCertificate& p, const BlockContext& ctx);
Status exec_revoke_certificate(const ExecEnv& env, const Signer& s, StateOverlay& state,
                               const pb::RevokeCertificate& p, const BlockContext& ctx);
Status exec_suspend_account(const Signer& s, StateOverlay& state, const pb::SuspendAccount& p,
                            const BlockContext& ctx);

// Governance payloads (exec_governance.cpp).
Status exec_propose(const ExecEnv& env, const Signer& s, StateOverlay& state, const pb::Propose& p,
                    const BlockContext& ctx);
Status exec_approve(const ExecEnv& env, const Signer& s, StateOverlay& state, const pb::Approve& p,
                    const BlockContext& ctx);

// Validator-set actions of a proposal (exec_validators.cpp, decision 0041).
Status check_validator_action(const ExecEnv& env, const StateOverlay& state, const pb::Propose& p,
                              const BlockContext& ctx);
Status execute_validator_action(const ExecEnv& env, StateOverlay& state, const pb::Propose& p,
                                const BlockContext& ctx);

// Cross-organization read grants of a proposal (exec_read_grants.cpp).
Status check_read_grant_action(const StateOverlay& state, const pb::Propose& p);
Status execute_read_grant_action(StateOverlay& state, const pb::Propose& p,
                                 const BlockContext& ctx);

// Third-party access grants of a proposal (exec_third_party.cpp, decision 0060).
Status check_third_party_action(const StateOverlay& state, const pb::Propose& p,
                                const BlockContext& ctx);
Status execute_third_party_action(StateOverlay& state, const pb::Propose& p,
                                  const BlockContext& ctx);

// Sealed reports (exec_sealing.cpp, decision 0063): the governance actions, the envelope of a
// sealed SubmitReport (checked instead of the plaintext checks), and S policy changes.
Status check_sealing_action(const ExecEnv& env, const StateOverlay& state, const pb::Propose& p);
Status execute_sealing_action(const ExecEnv& env, StateOverlay& state, const pb::Propose& p,
                              const BlockContext& ctx);
Status check_sealed_submission(const ExecEnv& env, const StateOverlay& state,
                               const pb::SubmitReport& p, const pb::TemplateRecord& t);
void put_sealed_report(StateOverlay& state, const std::string& report_id,
                       const pb::SealEnvelope& seal, const BlockContext& ctx);
Status exec_set_sealed_report_policy(const Signer& s, StateOverlay& state,
                                     const pb::SetSealedReportPolicy& p, const BlockContext& ctx);

// Reports (exec_reports.cpp, docs/reporting.md).
// Who may file reports (SubmitReport, StoreReportChunk): input permission, not a third party.
// The signer's permission (empty without permission checks).
Result<Permission> check_report_submitter(const ExecEnv& env, const Signer& s);
// Large datasets (exec_report_chunks.cpp, ledger/report_chunks.hpp).
Status exec_store_report_chunk(const ExecEnv& env, const Signer& s, StateOverlay& state,
                               const pb::StoreReportChunk& p, const BlockContext& ctx);
// A SubmitReport that lists chunks: every chunk committed by `org` for this template version and
// table, and the rules over the whole table hold. The report's chunk list.
Result<pb::ReportChunksRecord> check_chunked_submission(const StateOverlay& state,
                                                        const pb::SubmitReport& p,
                                                        const pb::TemplateRecord& t,
                                                        const std::string& org);
Status exec_submit_report(const ExecEnv& env, const Signer& s, StateOverlay& state,
                          const DecodedTx& tx, const BlockContext& ctx, std::uint32_t index,
                          std::vector<IndexWrite>* indexes);
Status exec_review_report(const Signer& s, StateOverlay& state, const pb::ReviewReport& p,
                          const BlockContext& ctx, std::vector<IndexWrite>* indexes);
Status exec_grant_filing_extension(const Signer& s, StateOverlay& state,
                                   const pb::GrantFilingExtension& p, const BlockContext& ctx);

// IssueValue (exec_value.cpp).
Status check_issue_value(const StateOverlay& state, const pb::IssueValue& a);
Status execute_issue_value(StateOverlay& state, const pb::IssueValue& a, const BlockContext& ctx);

// Offline devices (exec_devices.cpp, exec_settle.cpp; docs/offline.md "On the ledger").
Status exec_register_device(const ExecEnv& env, const Signer& s, StateOverlay& state,
                            const pb::RegisterDevice& p, const BlockContext& ctx);
Status exec_load_device(const ExecEnv& env, const Signer& s, StateOverlay& state,
                        const pb::LoadDevice& p, const BlockContext& ctx);
Status exec_settle_vouchers(const ExecEnv& env, const Signer& s, StateOverlay& state,
                            const pb::SettleVouchers& p, const BlockContext& ctx);

}  // namespace rl::ledger::exec
