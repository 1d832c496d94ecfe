#include "ledger/tx.hpp"

#include <cstring>

#include "crypto/hash.hpp"
#include "crypto/signature_form.hpp"
#include "ledger/limits.hpp"
#include "ledger/tx_canonical.hpp"

namespace rl::ledger {

Bytes tx_sign_bytes(ByteView body) {
  static constexpr std::string_view kTag = "regledger/tx/v1";
  // Sized up front and filled with memcpy: GCC 12 at -O3 reports a false
  // -Wstringop-overflow for the reserve + insert form.
  Bytes out(kTag.size() + 1 + body.size());
  std::memcpy(out.data(), kTag.data(), kTag.size());
  out[kTag.size()] = 0;
  if (!body.empty()) std::memcpy(out.data() + kTag.size() + 1, body.data(), body.size());
  return out;
}

Result<DecodedTx> decode_tx(crypto::Suite suite, ByteView raw) {
  if (raw.empty()) return make_error("bad_tx_encoding", "empty transaction");
  if (raw.size() > limits::kMaxTxBytes) {
    return make_error("tx_too_large", "transaction is " + std::to_string(raw.size()) +
                                          " bytes; the limit is " +
                                          std::to_string(limits::kMaxTxBytes));
  }
  DecodedTx d;
  d.raw.assign(raw.begin(), raw.end());
  // One byte string per transaction (decision 0045): the Tx and its body must each be the
  // canonical encoding of what they decode to.
  RL_TRY(check_wire_form(*pb::Tx::descriptor(), raw, /*trailing_after_last=*/true));
  if (!d.tx.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
    return make_error("bad_tx_encoding", "transaction is not a valid Tx protobuf");
  }
  RL_TRY(check_reencodes_to(d.tx, raw, "the Tx"));
  if (d.tx.body().empty()) return make_error("missing_field", "tx body is empty");
  if (d.tx.signature().empty()) return make_error("missing_field", "tx signature is empty");
  if (d.tx.signer_cert_id().size() != crypto::hash_size(suite)) {
    return make_error("missing_field", "signer_cert_id must be a hash of the suite's size");
  }
  if (!d.body.ParseFromString(d.tx.body())) {
    return make_error("bad_tx_encoding", "tx body is not a valid TxBody protobuf");
  }
  // Before the body's form: a payload from a future version is an unknown field of TxBody, and
  // "unknown payload" says more.
  if (d.body.payload_case() == pb::TxBody::PAYLOAD_NOT_SET) {
    return make_error("unknown_payload", "tx body carries no payload type this node knows");
  }
  RL_TRY(check_wire_form(*pb::TxBody::descriptor(), as_bytes(d.tx.body()),
                         /*trailing_after_last=*/false));
  RL_TRY(check_reencodes_to(d.body, as_bytes(d.tx.body()), "the tx body"));
  if (d.body.chain_id().empty()) return make_error("missing_field", "chain_id is empty");
  if (d.body.signer().empty() || d.body.signer().size() > limits::kMaxIdBytes) {
    return make_error("missing_field", "signer must be 1-64 bytes");
  }
  if (d.body.expires_at_height() == 0) {
    return make_error("missing_field", "expires_at_height must be set");
  }
  // Last, so that a malformed body is named as such whatever the signature holds.
  switch (crypto::signature_form(suite, as_bytes(d.tx.signature()))) {
    case crypto::SignatureForm::kCanonical:
      break;
    case crypto::SignatureForm::kNotDer:
      return make_error("tx_signature_not_der", "the signature is not one strict DER (r, s)");
    case crypto::SignatureForm::kHighS:
      return make_error("tx_signature_high_s",
                        "the signature's s is above n/2; only its low-s mirror is accepted");
  }
  d.id = crypto::hash(suite, as_bytes(d.tx.body()));
  d.raw_hash = crypto::hash(suite, d.raw);
  return d;
}

Bytes signature_cache_key(crypto::Suite suite, const DecodedTx& tx) {
  return tx.raw_hash.empty() ? crypto::hash(suite, tx.raw) : tx.raw_hash;
}

Result<Bytes> sign_tx(const pb::TxBody& body, const crypto::PrivateKey& key, ByteView cert_id) {
  pb::Tx tx;
  std::string body_bytes;
  if (!body.SerializeToString(&body_bytes)) return make_error("encode_failed", "tx body");
  auto sig = crypto::sign(key, tx_sign_bytes(as_bytes(body_bytes)));
  if (!sig.ok()) return sig.error();
  tx.set_body(body_bytes);
  tx.set_signature(to_string(*sig));
  tx.set_signer_cert_id(to_string(cert_id));
  std::string out;
  if (!tx.SerializeToString(&out)) return make_error("encode_failed", "tx");
  return to_bytes(out);
}

std::string_view payload_name(const pb::TxBody& body) {
  switch (body.payload_case()) {
    case pb::TxBody::kRegisterOrganization:
      return "register_organization";
    case pb::TxBody::kRegisterAccount:
      return "register_account";
    case pb::TxBody::kBindCertificate:
      return "bind_certificate";
    case pb::TxBody::kSubmitReport:
      return "submit_report";
    case pb::TxBody::kRevokeCertificate:
      return "revoke_certificate";
    case pb::TxBody::kSuspendAccount:
      return "suspend_account";
    case pb::TxBody::kPropose:
      return "propose";
    case pb::TxBody::kApprove:
      return "approve";
    case pb::TxBody::kRegisterDevice:
      return "register_device";
    case pb::TxBody::kLoadDevice:
      return "load_device";
    case pb::TxBody::kSettleVouchers:
      return "settle_vouchers";
    case pb::TxBody::kSetSealedReportPolicy:
      return "set_sealed_report_policy";
    case pb::TxBody::kReviewReport:
      return "review_report";
    case pb::TxBody::kGrantFilingExtension:
      return "grant_filing_extension";
    case pb::TxBody::kStoreReportChunk:
      return "store_report_chunk";
    case pb::TxBody::PAYLOAD_NOT_SET:
      break;
  }
  return "unknown";
}

}  // namespace rl::ledger
