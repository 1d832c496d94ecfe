#pragma once
// Private to crypto/pkcs11_kek.cpp and its test: the PKCS#11 C API, and a test-only look at the
// attributes of a PKCS#11 KEK's key object.
//
// The header is p11-kit's (only the header: the module is loaded with dlopen, libp11-kit is not
// linked). In its default compatibility mode it gives the standard's names (CK_RV, pValue,
// ulIvBits, ...) by #defining its own lower-case names to them, among them `value`, `count`,
// `parameter` and `reserved`: left defined, they would rewrite every later `.value()` and any
// standard header included afterwards. They are undefined here, so include this header last.

#include "crypto/key_wrap.hpp"

#include <p11-kit/pkcs11.h>

#undef cryptoki_version
#undef manufacturer_id
#undef library_description
#undef library_version
#undef slot_description
#undef hardware_version
#undef firmware_version
#undef serial_number
#undef max_session_count
#undef session_count
#undef max_rw_session_count
#undef rw_session_count
#undef max_pin_len
#undef min_pin_len
#undef total_public_memory
#undef free_public_memory
#undef total_private_memory
#undef free_private_memory
#undef utc_time
#undef slot_id
#undef device_error
#undef value
#undef value_len
#undef count
#undef parameter
#undef parameter_len
#undef params
#undef min_key_size
#undef max_key_size
#undef create_mutex
#undef destroy_mutex
#undef lock_mutex
#undef unlock_mutex
#undef reserved
#undef hash_alg
#undef s_len
#undef source_data
#undef source_data_len
#undef counter_bits
#undef iv_ptr
#undef iv_len
#undef iv_bits
#undef aad_ptr
#undef aad_len
#undef tag_bits
#undef shared_data_len
#undef shared_data
#undef public_data_len
#undef public_data
#undef string_data
#undef string_data_len
#undef data_params

namespace rl::crypto::internal {

// Test-only: reads one attribute of the key object behind `kek` (which must come from
// open_pkcs11_kek) through the KEK's own session. Returns the module's CK_RV; on CKR_OK `out`
// holds the attribute's bytes. CKR_FUNCTION_NOT_SUPPORTED when `kek` is not a PKCS#11 KEK.
CK_RV pkcs11_kek_attribute(const KeyEncryptionKey& kek, CK_ATTRIBUTE_TYPE type, Bytes& out);

}  // namespace rl::crypto::internal
