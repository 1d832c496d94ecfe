#pragma once
// Root vouchers: value the ledger moves onto a device (LoadDevice), signed by an issuer key
// named in genesis. issue_root_voucher is the ledger's side (and the tests' issuer);
// verify_root_voucher is what devices and the settlement check run.

#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "offline.pb.h"
#include "offline/limits.hpp"

namespace rl::offline {

class VerifyMemo;  // verify_memo.hpp

struct RootVoucherSpec {
  std::string device_id;
  std::int64_t amount = 0;
  std::int64_t expiry = 0;
  std::uint64_t serial = 0;
};

// A serialized, signed RootVoucher. Codes: bad_amount (<= 0), bad_voucher (empty device id).
Result<Bytes> issue_root_voucher(const crypto::PrivateKey& issuer_key, const RootVoucherSpec& spec);

struct VerifiedRoot {
  Bytes hash;
  regledger::offline::v1::RootVoucherBody body;
};

// Decodes and verifies a RootVoucher against the issuer keys. Codes: message_too_large,
// bad_voucher, unknown_issuer, bad_signature, bad_amount. `memo`, when given, remembers the
// signature verdict (verify_memo.hpp).
Result<VerifiedRoot> verify_root_voucher(crypto::Suite suite,
                                         const std::vector<crypto::PublicKey>& issuer_keys,
                                         ByteView root, const Limits& limits,
                                         VerifyMemo* memo = nullptr);

}  // namespace rl::offline
