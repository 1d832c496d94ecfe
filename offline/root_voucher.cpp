#include "offline/root_voucher.hpp"

#include "offline/codec.hpp"
#include "offline/ids.hpp"
#include "offline/verify_memo.hpp"

namespace rl::offline {

namespace pb = regledger::offline::v1;

Result<Bytes> issue_root_voucher(const crypto::PrivateKey& issuer_key,
                                 const RootVoucherSpec& spec) {
  if (spec.amount <= 0) return fail(err::kBadAmount, "root voucher amount must be positive");
  if (spec.device_id.empty()) return fail(err::kBadVoucher, "root voucher needs a device id");
  pb::RootVoucherBody body;
  body.set_suite(std::string(crypto::suite_name(issuer_key.suite())));
  body.set_device_id(spec.device_id);
  body.set_amount(spec.amount);
  body.set_expiry(spec.expiry);
  body.set_serial(spec.serial);
  body.set_issuer_key_id(to_string(key_id(issuer_key.public_key())));
  const Bytes body_bytes = encode(body);
  RL_ASSIGN_OR_RETURN(Bytes sig, sign_tagged(issuer_key, domain::kRootSig, body_bytes));
  pb::RootVoucher root;
  root.set_body(to_string(body_bytes));
  root.set_signature(to_string(sig));
  return encode(root);
}

Result<VerifiedRoot> verify_root_voucher(crypto::Suite suite,
                                         const std::vector<crypto::PublicKey>& issuer_keys,
                                         ByteView root_bytes, const Limits& limits,
                                         VerifyMemo* memo) {
  RL_ASSIGN_OR_RETURN(
      pb::RootVoucher root,
      decode<pb::RootVoucher>(root_bytes, limits.max_message_bytes, err::kBadVoucher, "root"));
  RL_ASSIGN_OR_RETURN(pb::RootVoucherBody body,
                      decode<pb::RootVoucherBody>(as_bytes(root.body()), limits.max_message_bytes,
                                                  err::kBadVoucher, "root body"));
  if (body.suite() != crypto::suite_name(suite)) {
    return fail(err::kBadVoucher, "root voucher is for another suite");
  }
  const crypto::PublicKey* issuer = nullptr;
  for (const crypto::PublicKey& k : issuer_keys) {
    if (k.suite() == suite && bytes_equal(body.issuer_key_id(), key_id(k))) issuer = &k;
  }
  if (issuer == nullptr) return fail(err::kUnknownIssuer, "root voucher issuer is not trusted");
  const bool signed_ok =
      memo ? memo->tagged_signature(*issuer, as_bytes(body.issuer_key_id()), domain::kRootSig,
                                    as_bytes(root.body()), as_bytes(root.signature()))
           : verify_tagged(*issuer, domain::kRootSig, as_bytes(root.body()),
                           as_bytes(root.signature()));
  if (!signed_ok) {
    return fail(err::kBadSignature, "root voucher signature does not verify");
  }
  if (body.amount() <= 0) return fail(err::kBadAmount, "root voucher amount must be positive");
  if (body.device_id().empty()) return fail(err::kBadVoucher, "root voucher has no device");
  return VerifiedRoot{root_hash(suite, as_bytes(root.body())), std::move(body)};
}

}  // namespace rl::offline
