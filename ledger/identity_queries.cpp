#include "ledger/identity_queries.hpp"

#include "ledger/state_keys.hpp"

namespace rl::ledger {
namespace {

template <typename Msg>
Result<std::optional<Msg>> read(const Store& store, const Bytes& key) {
  RL_ASSIGN_OR_RETURN(auto raw, store.get(Cf::kState, key));
  if (!raw) return std::optional<Msg>();
  Msg m;
  if (!m.ParseFromArray(raw->data(), static_cast<int>(raw->size()))) {
    return make_error("state_corrupt", "cannot decode state record");
  }
  return std::optional<Msg>(std::move(m));
}

// The certificates whose hex ids end the keys under `prefix`.
Result<std::vector<pb::CertificateRecord>> certificates_under(const Store& store,
                                                              const Bytes& prefix,
                                                              std::size_t limit) {
  RL_ASSIGN_OR_RETURN(auto entries, store.scan_prefix(Cf::kState, prefix, limit));
  std::vector<pb::CertificateRecord> out;
  for (const auto& [key, value] : entries) {
    std::string_view hex(reinterpret_cast<const char*>(key.data()) + prefix.size(),
                         key.size() - prefix.size());
    auto id = from_hex(hex);
    if (!id.ok()) return make_error("state_corrupt", "certificate index key");
    RL_ASSIGN_OR_RETURN(auto rec, read<pb::CertificateRecord>(store, keys::certificate(*id)));
    if (!rec) return make_error("state_corrupt", "indexed certificate is missing");
    out.push_back(std::move(*rec));
  }
  return out;
}

}  // namespace

Result<std::vector<pb::CertificateRecord>> account_certificates(const Store& store,
                                                                std::string_view account,
                                                                std::size_t limit) {
  return certificates_under(store, keys::account_certificates_prefix(account), limit);
}

Result<std::vector<pb::CertificateRecord>> revoked_certificates(const Store& store,
                                                                std::size_t limit) {
  return certificates_under(store, keys::revoked_certificates_prefix(), limit);
}

Result<std::optional<pb::ProposalRecord>> find_proposal(const Store& store, std::string_view id) {
  return read<pb::ProposalRecord>(store, keys::proposal(id));
}

}  // namespace rl::ledger
