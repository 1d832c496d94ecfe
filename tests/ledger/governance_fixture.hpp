#pragma once
// A network governed by three regulator organizations (the test genesis's "regulator" plus
// "regulator-b" and "regulator-c", each with an admin bound at genesis), threshold 2, and
// helpers for the identity and governance payloads.

#include <functional>
#include <string>
#include <vector>

#include "ledger/identity_queries.hpp"
#include "ledger/permission.hpp"
#include "tests/ledger/ledger_fixture.hpp"

namespace rl::ledger::testing {

inline constexpr const char* kRegulatorB = "regulator-b";
inline constexpr const char* kRegulatorC = "regulator-c";
inline constexpr const char* kAdminB = "regulator-b-admin";
inline constexpr const char* kAdminC = "regulator-c-admin";

// The test genesis plus regulators b and c; "governance": {"threshold": threshold}.
Genesis make_governed_genesis(const Pki& pki, std::uint32_t threshold);

using Action = std::function<void(pb::Propose&)>;
Fill propose(const std::string& id, std::uint64_t expires_at_height, const Action& action);
Fill approve(const std::string& id);
Fill revoke(const Bytes& cert_id, const std::string& reason = "key compromise");
Fill suspend(const std::string& account, const std::string& reason = "under investigation");
Fill reinstate(const std::string& account, const std::string& reason = "investigation closed");

// Level -> f(level) for every level.
Action set_mapping(const std::function<std::uint32_t(std::uint32_t)>& f);
Action register_template(const std::string& id, std::uint32_t floor,
                         std::vector<std::string> required = {});
Action update_template(const std::string& id, std::uint32_t floor,
                       std::vector<std::string> required = {});
Action add_root(const crypto::Certificate& root);
Action remove_root(const Bytes& cert_id);

// A self-signed root CA with a fresh key.
struct Ca {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};
Ca make_root_ca(const std::string& cn);

class GovernedLedger : public LedgerFixture {
 protected:
  explicit GovernedLedger(std::uint32_t threshold = 2);
  void SetUp() override;

  // Closes chain_, runs `fn` on its store (the committed state), reopens chain_.
  void with_store(const std::function<void(const Store&)>& fn);
  std::vector<pb::CertificateRecord> certificates_of(const std::string& account);
  std::optional<pb::ProposalRecord> proposal_record(const std::string& id);
  // The data level a report from a fresh "0<level>" reporter in bank-a gets for `tmpl` now.
  std::uint32_t label_for(std::uint32_t level, const std::string& tmpl = kLiquidity);

  client::Identity reg_b_;  // admin of regulator-b
  client::Identity reg_c_;  // admin of regulator-c
  std::uint64_t height() const { return chain_->head().height; }

 private:
  int label_probe_ = 0;
};

}  // namespace rl::ledger::testing
