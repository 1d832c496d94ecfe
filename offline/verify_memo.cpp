#include "offline/verify_memo.hpp"

#include <algorithm>

#include "crypto/hash.hpp"
#include "offline/codec.hpp"
#include "offline/ids.hpp"
#include "offline/key_hierarchy.hpp"

namespace rl::offline {
namespace {

// Length-prefixed fields, so that no two different inputs serialize alike.
class KeyBuilder {
 public:
  explicit KeyBuilder(std::string_view kind) { add(as_bytes(kind)); }
  KeyBuilder& add(ByteView b) {
    num(b.size());
    buf_.insert(buf_.end(), b.begin(), b.end());
    return *this;
  }
  KeyBuilder& add(std::string_view s) { return add(as_bytes(s)); }
  KeyBuilder& num(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  // The suite hash of everything added: what the table is keyed by.
  std::string digest(crypto::Suite suite) const {
    const Bytes h = crypto::hash(suite, buf_);
    return std::string(h.begin(), h.end());
  }

 private:
  Bytes buf_;
};

}  // namespace

Result<VerifiedCert> VerifyMemo::device_chain(crypto::Suite suite, const TrustAnchors& trust,
                                              const regledger::offline::v1::CertChain& chain,
                                              std::string_view expected_device_id,
                                              std::int64_t at_unix, const Limits& limits) {
  KeyBuilder kb("device-chain");
  kb.add(crypto::suite_name(suite)).add(expected_device_id);
  kb.num(limits.max_cert_bytes).num(limits.max_intermediates);
  kb.add(chain.leaf()).num(static_cast<std::uint64_t>(chain.intermediates_size()));
  for (const std::string& der : chain.intermediates()) kb.add(der);
  kb.num(trust.roots.size());
  for (const crypto::Certificate& root : trust.roots) kb.add(root.to_der());
  const std::string key = kb.digest(suite);

  std::optional<VerifiedCert> hit;
  {
    std::lock_guard lock(mu_);
    auto it = chains_.find(key);
    if (it != chains_.end() && it->second.valid_after < at_unix &&
        at_unix < it->second.valid_before) {
      hit = it->second.cert;
    }
  }
  if (hit) {
    chain_hits_++;
    // Revocation is not remembered: the lists in force now decide, as verify_device_chain does
    // after a chain verifies.
    for (const crypto::Crl& crl : trust.revoked) {
      if (crl.is_revoked(hit->cert)) {
        return fail(err::kCertificateRevoked,
                    "device certificate " + hit->cert.serial_hex() + " is revoked");
      }
    }
    return *std::move(hit);
  }
  chain_misses_++;
  RL_ASSIGN_OR_RETURN(VerifiedCert v, verify_device_chain(suite, trust, chain, expected_device_id,
                                                          at_unix, limits, &intermediates_));
  // The window in which every certificate that can take part is valid: inside it the X.509 check
  // does not depend on the time at all.
  ChainEntry e{v, v.valid_after, v.valid_before};
  for (const crypto::Certificate& root : trust.roots) {
    e.valid_after = std::max(e.valid_after, root.not_before());
    e.valid_before = std::min(e.valid_before, root.not_after());
  }
  if (e.valid_after < at_unix && at_unix < e.valid_before) {
    std::lock_guard lock(mu_);
    if (chains_.size() >= max_entries_) chains_.clear();
    chains_.insert_or_assign(key, std::move(e));
  }
  return v;
}

bool VerifyMemo::tagged_signature(const crypto::PublicKey& pub, ByteView key_ref,
                                  std::string_view domain, ByteView data, ByteView signature) {
  KeyBuilder kb("tagged-signature");
  kb.add(crypto::suite_name(pub.suite())).add(key_ref).add(domain).add(data).add(signature);
  const std::string key = kb.digest(pub.suite());
  {
    std::lock_guard lock(mu_);
    if (signatures_.count(key) != 0) {
      sig_hits_++;
      return true;
    }
  }
  sig_misses_++;
  if (!verify_tagged(pub, domain, data, signature)) return false;
  std::lock_guard lock(mu_);
  if (signatures_.size() >= max_entries_) signatures_.clear();
  signatures_.insert(key);
  return true;
}

Result<bool> VerifyMemo::issuer_mac(crypto::Suite suite, ByteView master_key,
                                    std::string_view device_id, ByteView hop_hash, ByteView mac) {
  // The master key goes into the digest only: the table never holds key material.
  KeyBuilder kb("issuer-mac");
  kb.add(crypto::suite_name(suite)).add(master_key).add(device_id).add(hop_hash).add(mac);
  const std::string key = kb.digest(suite);
  {
    std::lock_guard lock(mu_);
    if (signatures_.count(key) != 0) {
      mac_hits_++;
      return true;
    }
  }
  mac_misses_++;
  RL_ASSIGN_OR_RETURN(Bytes device_key, diversify_device_key(suite, master_key, device_id));
  if (!verify_domain_mac(suite, device_key, domain::kIssuerMac, hop_hash, mac)) return false;
  std::lock_guard lock(mu_);
  if (signatures_.size() >= max_entries_) signatures_.clear();
  signatures_.insert(key);
  return true;
}

VerifyMemo::Stats VerifyMemo::stats() const {
  return {chain_hits_.load(), chain_misses_.load(), sig_hits_.load(),
          sig_misses_.load(), mac_hits_.load(),     mac_misses_.load()};
}

std::size_t VerifyMemo::entries() const {
  std::lock_guard lock(mu_);
  return chains_.size() + signatures_.size();
}

}  // namespace rl::offline
