#pragma once
// The offline key hierarchy (docs/offline.md, "Key hierarchy"):
//   issuer master MAC key (validators only)
//     -> device MAC key = SP 800-108 counter-mode CMAC KDF(master, label, device id)
//   ECDH(ephemeral A, ephemeral B)
//     -> session key = HKDF(shared x, salt = rA || rB, info = label || 0x00 || dispersion)
// CMAC is AES-256-CMAC on P-256 networks and SM4-CMAC on SM2 networks; HKDF uses SHA-256 or SM3.

#include <string_view>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::offline {

inline constexpr std::string_view kDeviceKeyLabel = "regledger/offline/v1/device-mac-key";
inline constexpr std::string_view kSessionKeyLabel = "regledger/offline/v1/session-key";
// Randoms rA and rB are exactly this long.
inline constexpr std::size_t kRandomSize = 32;

// Master and device keys, and session keys, are all the suite's CMAC key size (32 or 16).
std::size_t mac_key_size(crypto::Suite suite);

// The device's diversified MAC key; the dispersion factor is the device id (certificate CN).
Result<Bytes> diversify_device_key(crypto::Suite suite, ByteView master_key,
                                   std::string_view device_id);

// The transfer's session key from the raw ECDH secret, both randoms and the receiver's
// dispersion factor. Refuses randoms that are not kRandomSize bytes ("bad_random").
Result<Bytes> derive_session_key(crypto::Suite suite, ByteView ecdh_secret, ByteView ra,
                                 ByteView rb, std::string_view dispersion_factor);

// CMAC under `key` of `domain` || data, so a MAC made for one purpose never verifies for another.
Result<Bytes> domain_mac(crypto::Suite suite, ByteView key, std::string_view domain, ByteView data);
// Constant-time check of a domain_mac; false on any error or mismatch.
bool verify_domain_mac(crypto::Suite suite, ByteView key, std::string_view domain, ByteView data,
                       ByteView mac);

}  // namespace rl::offline
