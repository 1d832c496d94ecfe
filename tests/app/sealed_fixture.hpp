#pragma once
// Sealed reports through the real node (docs/sealed.md): one node whose genesis key service
// ks-node0 answers over HTTPS, three more key services (ks-1..ks-3) registered by governance and
// served in process by their own SealedApi over the same chain, the level-T policy
// "fiu-findings", and readers that pass or fail each level:
//
//   reader             org (kind)               role      T: kind:regulator   S: role:auditor
//                                                            or attr:fiu         or dept:aml
//   reg_auditor_       regulator (regulator)    auditor   yes (kind)          yes (role)
//   fiu_auditor_       fiu (institution)        auditor   yes (attr:fiu)      yes (role)
//   aml_officer_       regulator (regulator)    reporter  yes (kind)          yes (dept:aml)
//   bank_b_auditor_    bank-b (institution)     auditor   no                  yes
//   reg_reporter_      regulator (regulator)    reporter  yes                 no
//   bank_b_reporter_   bank-b (institution)     reporter  no                  no
//
// The submitter is bank-a's reporter; bank_a_admin_ administers bank-a.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/lib/sealed_client.hpp"
#include "tests/app/third_party_fixture.hpp"

namespace rl::testing {

class SealedFixture : public ::testing::Test {
 protected:
  static constexpr const char* kTPolicy = "fiu-findings";
  static constexpr const char* kT = "kind:regulator or attr:fiu";
  static constexpr const char* kS = "role:auditor or dept:aml";

  SealedFixture();

  // Commits one governance action (the single regulator governs alone).
  void govern(const std::string& id, const std::function<void(ledger::pb::Propose&)>& action);
  std::vector<client::KeyServiceInfo> key_services();

  // Seals `plaintext` as `who` over every active key service (t of them) and commits it.
  // Returns the report id.
  std::string seal_and_submit(const client::Identity& who, const std::string& plaintext,
                              const std::string& s_policy = kS,
                              const std::vector<std::string>& keywords = {},
                              std::uint32_t threshold = 3);
  // A SubmitReport sealed as above, not submitted (tests corrupt its envelope). `services`:
  // the key services to seal to (empty: every active one).
  ledger::pb::SubmitReport sealed_report(const client::Identity& who, const std::string& plaintext,
                                         const std::string& s_policy = kS,
                                         std::uint32_t threshold = 3,
                                         const std::vector<std::string>& keywords = {},
                                         const std::vector<std::string>& services = {});
  // Admission of `report` signed by `who`: "" when committed (then `report_id` is set), else the
  // refusal code.
  std::string submit(const client::Identity& who, const ledger::pb::SubmitReport& report,
                     std::string* report_id = nullptr);

  // POST /v1/keys/release at `service` with `token` and `body`.
  Answer release(const std::string& service, const std::string& token, const std::string& body);
  // A signed release request of `reader` for `report_id` at `service`, with a fresh key-channel
  // session.
  Answer release_as(const std::string& service, const client::Identity& reader,
                    const std::string& report_id);
  // Directed opening as `reader` using only `services` (in order): the plaintext, or the error
  // (the first refusal's code when fewer than t shares came, key_check_failed, ...).
  Result<std::string> open_as(const client::Identity& reader, const std::string& report_id,
                              const std::vector<std::string>& services);
  Result<std::string> open_as(const client::Identity& reader, const std::string& report_id) {
    return open_as(reader, report_id, services_);
  }
  // The data key, recovered with an authorized reader (so tests can look for it elsewhere).
  Bytes data_key(const std::string& report_id);
  Answer document(const std::string& token, const std::string& report_id);

  NodeFixture node_;
  std::vector<std::string> services_;  // ks-node0, ks-1, ks-2, ks-3
  std::map<std::string, crypto::PrivateKey> service_keys_;
  std::map<std::string, std::unique_ptr<node::sealed::SealedApi>> in_process_;

  client::Identity submitter_, bank_a_admin_, reg_auditor_, fiu_auditor_, aml_officer_,
      bank_b_auditor_, reg_reporter_, bank_b_reporter_;
};

}  // namespace rl::testing
