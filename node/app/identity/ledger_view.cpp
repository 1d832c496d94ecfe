#include "node/app/identity/ledger_view.hpp"

#include "ledger/state_keys.hpp"

namespace rl::node::identity {
namespace {

template <typename M>
Result<std::optional<M>> load(const ledger::Chain& chain, const Bytes& key, const char* what) {
  RL_ASSIGN_OR_RETURN(auto raw, chain.state_value(key));
  if (!raw) return std::optional<M>();
  M m;
  if (!m.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("state_corrupt", std::string(what) + " record does not decode");
  }
  return std::optional<M>(std::move(m));
}

}  // namespace

Result<std::optional<ledger::pb::AccountRecord>> LedgerView::account(std::string_view id) const {
  return load<ledger::pb::AccountRecord>(chain_, ledger::keys::account(id), "account");
}

Result<std::optional<ledger::pb::OrganizationRecord>> LedgerView::organization(
    std::string_view id) const {
  return load<ledger::pb::OrganizationRecord>(chain_, ledger::keys::org(id), "organization");
}

Result<std::optional<ledger::pb::CertificateRecord>> LedgerView::certificate(
    ByteView cert_id) const {
  return load<ledger::pb::CertificateRecord>(chain_, ledger::keys::certificate(cert_id),
                                             "certificate");
}

Result<ledger::PermissionMapping> LedgerView::mapping() const {
  // The executor's encoding (ledger/executor.cpp): 100 bytes, one per level.
  RL_ASSIGN_OR_RETURN(auto raw, chain_.state_value(ledger::keys::permission_mapping()));
  ledger::PermissionMapping m{};
  if (!raw) return m;
  if (raw->size() != m.size()) return make_error("state_corrupt", "permission mapping");
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = (*raw)[i];
  return m;
}

}  // namespace rl::node::identity
