#include "offline/ids.hpp"

#include "crypto/hash.hpp"

namespace rl::offline {

Bytes tagged(std::string_view domain, ByteView data) {
  Bytes out = to_bytes(domain);
  out.push_back(0);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Bytes tagged_hash(crypto::Suite suite, std::string_view domain, ByteView data) {
  return crypto::hash(suite, tagged(domain, data));
}

Bytes root_hash(crypto::Suite suite, ByteView root_body) {
  return tagged_hash(suite, domain::kRootHash, root_body);
}

Bytes hop_hash(crypto::Suite suite, ByteView hop_body) {
  return tagged_hash(suite, domain::kHopHash, hop_body);
}

Bytes output_id(crypto::Suite suite, ByteView source_hash, std::uint32_t index) {
  Bytes data(source_hash.begin(), source_hash.end());
  append_u64_be(data, index);
  return tagged_hash(suite, domain::kOutputId, data);
}

Bytes key_id(const crypto::PublicKey& key) {
  return crypto::hash(key.suite(), key.to_der());
}

Result<Bytes> sign_tagged(const crypto::PrivateKey& key, std::string_view domain, ByteView data) {
  return crypto::sign(key, tagged(domain, data));
}

bool verify_tagged(const crypto::PublicKey& key, std::string_view domain, ByteView data,
                   ByteView signature) {
  return crypto::verify(key, tagged(domain, data), signature);
}

}  // namespace rl::offline
