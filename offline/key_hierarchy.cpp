#include "offline/key_hierarchy.hpp"

#include "crypto/offline_kdf.hpp"
#include "crypto/symmetric.hpp"
#include "offline/ids.hpp"

namespace rl::offline {

std::size_t mac_key_size(crypto::Suite suite) {
  return crypto::suite_cmac_key_size(suite);
}

Result<Bytes> diversify_device_key(crypto::Suite suite, ByteView master_key,
                                   std::string_view device_id) {
  if (device_id.empty()) return make_error("bad_device_id", "empty device id");
  if (master_key.size() != mac_key_size(suite)) {
    return make_error("bad_master_key", "issuer master key has the wrong length for the suite");
  }
  return crypto::suite_kdf_counter_cmac(suite, master_key, as_bytes(kDeviceKeyLabel),
                                        as_bytes(device_id), mac_key_size(suite));
}

Result<Bytes> derive_session_key(crypto::Suite suite, ByteView ecdh_secret, ByteView ra,
                                 ByteView rb, std::string_view dispersion_factor) {
  if (ra.size() != kRandomSize || rb.size() != kRandomSize) {
    return make_error("bad_random", "rA and rB must be 32 bytes");
  }
  // Both randoms have a fixed length, so their concatenation is unambiguous; the label and the
  // dispersion factor are separated by a zero byte that neither contains.
  Bytes salt(ra.begin(), ra.end());
  salt.insert(salt.end(), rb.begin(), rb.end());
  Bytes info = to_bytes(kSessionKeyLabel);
  info.push_back(0);
  info.insert(info.end(), dispersion_factor.begin(), dispersion_factor.end());
  return crypto::suite_hkdf(suite, ecdh_secret, salt, info, mac_key_size(suite));
}

Result<Bytes> domain_mac(crypto::Suite suite, ByteView key, std::string_view domain,
                         ByteView data) {
  return crypto::suite_cmac(suite, key, tagged(domain, data));
}

bool verify_domain_mac(crypto::Suite suite, ByteView key, std::string_view domain, ByteView data,
                       ByteView mac) {
  auto expected = domain_mac(suite, key, domain, data);
  return expected.ok() && crypto::equal_ct(*expected, mac);
}

}  // namespace rl::offline
