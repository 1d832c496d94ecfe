#pragma once
// Forging helpers for the tampering tests: change one field of a message and, where the test
// plays a party that holds the key (a malicious sender with its own device key and session key,
// or a receiver), sign and MAC it again so the refusal comes from the field, not the seal.

#include <functional>

#include "fixture.hpp"

namespace rl::offline::testing {

// A hop with its body edited, re-signed by `key` and re-MACed with `device_mac_key`.
inline std::string reseal_hop(crypto::Suite suite, const std::string& hop_bytes,
                              const std::function<void(pb::HopBody&)>& edit,
                              const crypto::PrivateKey& key, ByteView device_mac_key) {
  auto hop = parse<pb::Hop>(as_bytes(hop_bytes));
  auto body = parse<pb::HopBody>(as_bytes(hop.body()));
  edit(body);
  const Bytes body_bytes = encode(body);
  hop.set_body(to_string(body_bytes));
  hop.set_sender_signature(to_string(must(sign_tagged(key, domain::kHopSig, body_bytes))));
  hop.set_issuer_mac(to_string(
      must(domain_mac(suite, device_mac_key, domain::kIssuerMac, hop_hash(suite, body_bytes)))));
  return to_string(encode(hop));
}

// An ExecuteMsg whose body is edited and then MACed again with the session key.
inline Bytes remac_execute(crypto::Suite suite, ByteView exec_bytes, ByteView session_key,
                           const std::function<void(pb::ExecuteBody&)>& edit) {
  auto exec = parse<pb::ExecuteMsg>(exec_bytes);
  auto body = parse<pb::ExecuteBody>(as_bytes(exec.body()));
  edit(body);
  const Bytes body_bytes = encode(body);
  exec.set_body(to_string(body_bytes));
  exec.set_session_mac(
      to_string(must(domain_mac(suite, session_key, domain::kSessionMac, body_bytes))));
  return encode(exec);
}

// A ResponseMsg with its body edited and signed by `key`.
inline Bytes resign_response(ByteView resp_bytes, const crypto::PrivateKey& key,
                             const std::function<void(pb::ResponseBody&)>& edit) {
  auto resp = parse<pb::ResponseMsg>(resp_bytes);
  auto body = parse<pb::ResponseBody>(as_bytes(resp.body()));
  edit(body);
  const Bytes body_bytes = encode(body);
  resp.set_body(to_string(body_bytes));
  resp.set_signature(to_string(must(sign_tagged(key, domain::kResponseSig, body_bytes))));
  return encode(resp);
}

inline Bytes edit_init(ByteView init_bytes, const std::function<void(pb::InitMsg&)>& edit) {
  auto init = parse<pb::InitMsg>(init_bytes);
  edit(init);
  return encode(init);
}

inline void flip_first(std::string& s) {
  if (!s.empty()) s[0] = static_cast<char>(s[0] ^ 1);
}
inline void flip_last(std::string& s) {
  if (!s.empty()) s.back() = static_cast<char>(s.back() ^ 1);
}

}  // namespace rl::offline::testing
