#pragma once
// A small PKI (root -> intermediate -> leaves) for the certificate tests, per suite.

#include <string>

#include "crypto/x509.hpp"

namespace rl::crypto::testing {

// Fixed clock so the tests do not depend on when they run: 2023-11-14T22:13:20Z.
inline constexpr std::int64_t kT0 = 1700000000;
inline constexpr std::int64_t kDay = 86400;
inline constexpr std::int64_t kYear = 365 * kDay;

inline IssueOptions options_for(CertProfile profile, std::int64_t not_before,
                                std::int64_t not_after) {
  IssueOptions o;
  o.profile = profile;
  o.not_before = not_before;
  o.not_after = not_after;
  return o;
}

struct Pki {
  Suite suite;
  PrivateKey root_key;
  Certificate root;
  PrivateKey inter_key;
  Certificate inter;
  PrivateKey leaf_key;
  Certificate leaf;  // end-entity
  PrivateKey node_key;
  Certificate node;  // TLS server+client with SANs
};

inline Certificate issue_from_new_csr(const Certificate& issuer, const PrivateKey& issuer_key,
                                      const PrivateKey& subject_key, const std::string& cn,
                                      const IssueOptions& options) {
  const CertificateRequest csr =
      CertificateRequest::create(subject_key, {cn, "RegLedger Test", "Unit", "CN"}).value();
  return issue_certificate(issuer, issuer_key, csr, options).value();
}

// CA validity is anchored at `t0`; the end-entity leaf's validity is given explicitly.
inline Pki make_pki(Suite suite, std::int64_t leaf_not_before = kT0,
                    std::int64_t leaf_not_after = kT0 + kYear, std::int64_t t0 = kT0) {
  PrivateKey root_key = PrivateKey::generate(suite).value();
  Certificate root =
      create_root_certificate(root_key, {"Test Root CA", "RegLedger Test", "", "CN"},
                              options_for(CertProfile::kRootCa, t0 - kDay, t0 + 20 * kYear))
          .value();
  PrivateKey inter_key = PrivateKey::generate(suite).value();
  Certificate inter =
      issue_from_new_csr(root, root_key, inter_key, "Test Issuing CA",
                         options_for(CertProfile::kIntermediateCa, t0 - kDay, t0 + 10 * kYear));
  PrivateKey leaf_key = PrivateKey::generate(suite).value();
  Certificate leaf =
      issue_from_new_csr(inter, inter_key, leaf_key, "account-0001",
                         options_for(CertProfile::kEndEntity, leaf_not_before, leaf_not_after));
  PrivateKey node_key = PrivateKey::generate(suite).value();
  IssueOptions node_options = options_for(CertProfile::kTlsServerClient, t0, t0 + kYear);
  node_options.dns_names = {"node1.regledger.test", "localhost"};
  node_options.ip_addresses = {"127.0.0.1", "::1"};
  Certificate node = issue_from_new_csr(inter, inter_key, node_key, "node1", node_options);
  return Pki{suite,
             std::move(root_key),
             std::move(root),
             std::move(inter_key),
             std::move(inter),
             std::move(leaf_key),
             std::move(leaf),
             std::move(node_key),
             std::move(node)};
}

}  // namespace rl::crypto::testing
