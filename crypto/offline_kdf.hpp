#pragma once
// Block-cipher MACs and key derivations, generic over the cipher and digest, first written for
// the offline voucher key hierarchy (docs/offline.md) and also the project's only AES-CMAC and
// HKDF-SHA256: CMAC over any CBC block cipher (AES or SM4), HKDF over any digest (SHA-256 or SM3),
// and the NIST SP 800-108 counter-mode KDF with CMAC as its PRF. Every function here is
// suite-generic through the `suite_*` wrappers at the bottom.

#include <cstddef>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/suite.hpp"

namespace rl::crypto {

// CMAC (NIST SP 800-38B) with the named CBC cipher as its block cipher: "AES-128-CBC",
// "AES-192-CBC", "AES-256-CBC" or "SM4-CBC". The key length must match the cipher.
// Codes: invalid_argument (unknown cipher), invalid_key_length, mac_failed.
Result<Bytes> cmac(std::string_view cbc_cipher, ByteView key, ByteView data);

// HKDF (RFC 5869) extract+expand with the named digest ("SHA2-256" or "SM3").
// Codes: invalid_argument, invalid_length, kdf_failed.
Result<Bytes> hkdf(std::string_view digest, ByteView ikm, ByteView salt, ByteView info,
                   std::size_t length);
// HKDF with SM3 as the hash (the SM2 networks' counterpart of hkdf("SHA2-256", ...)).
Result<Bytes> hkdf_sm3(ByteView ikm, ByteView salt, ByteView info, std::size_t length);

// NIST SP 800-108r1 KDF in counter mode, PRF = CMAC(cbc_cipher): for i = 1..n,
//   K(i) = CMAC(key, [i]_32 || label || 0x00 || context || [L]_32)   (L = length * 8 bits)
// and the output is the first `length` bytes of K(1) || K(2) || ... (OpenSSL's "KBKDF").
Result<Bytes> kdf_counter_cmac(std::string_view cbc_cipher, ByteView key, ByteView label,
                               ByteView context, std::size_t length);

// The suite's choices: AES-256-CMAC and HKDF-SHA256 for P-256 networks, SM4-CMAC and HKDF-SM3
// for SM2 networks. Key size is 32 (AES-256) or 16 (SM4) bytes.
std::string_view suite_cmac_cipher(Suite suite);
std::size_t suite_cmac_key_size(Suite suite);
Result<Bytes> suite_cmac(Suite suite, ByteView key, ByteView data);
// HMAC-SHA256 for P-256 networks, HMAC-SM3 for SM2 networks.
Result<Bytes> suite_hmac(Suite suite, ByteView key, ByteView data);
Result<Bytes> suite_hkdf(Suite suite, ByteView ikm, ByteView salt, ByteView info,
                         std::size_t length);
Result<Bytes> suite_kdf_counter_cmac(Suite suite, ByteView key, ByteView label, ByteView context,
                                     std::size_t length);

}  // namespace rl::crypto
