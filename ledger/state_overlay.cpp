#include "ledger/state_overlay.hpp"

#include "crypto/hash.hpp"

namespace rl::ledger {
namespace {
// The value length that marks a delete in the write-set hash: no value is 4 GiB long.
constexpr std::uint32_t kDeleted = 0xffffffff;

void append_u32_be(Bytes& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}
}  // namespace

Result<std::optional<Bytes>> StateOverlay::get(const Bytes& key) const {
  if (auto it = staged_.find(key); it != staged_.end()) return std::optional<Bytes>(it->second);
  if (auto it = writes_.find(key); it != writes_.end()) return std::optional<Bytes>(it->second);
  if (deletes_.count(key)) return std::optional<Bytes>();
  if (auto it = committed_reads_.find(key); it != committed_reads_.end()) return it->second;
  RL_ASSIGN_OR_RETURN(auto value, store_.get(Cf::kState, key));
  committed_reads_.emplace(key, value);
  return value;
}

void StateOverlay::put(Bytes key, Bytes value) {
  staged_[std::move(key)] = std::move(value);
}

void StateOverlay::del(Bytes key) {
  writes_.erase(key);
  deletes_.insert(std::move(key));
}

void StateOverlay::commit_tx() {
  for (auto& [k, v] : staged_) {
    deletes_.erase(k);
    writes_[k] = std::move(v);
  }
  staged_.clear();
}

Bytes StateOverlay::write_set_hash(crypto::Suite suite) const {
  crypto::Hasher h(suite);
  static constexpr std::string_view kTag = "regledger/writeset/v1";
  Bytes tag(kTag.begin(), kTag.end());
  tag.push_back(0);
  h.update(tag);
  Bytes len;
  auto entry = [&](const Bytes& k, const Bytes* v) {
    len.clear();
    append_u32_be(len, static_cast<std::uint32_t>(k.size()));
    h.update(len);
    h.update(k);
    len.clear();
    append_u32_be(len, v ? static_cast<std::uint32_t>(v->size()) : kDeleted);
    h.update(len);
    if (v) h.update(*v);
  };
  // Both maps are in key order and disjoint: merge them.
  auto w = writes_.begin();
  auto d = deletes_.begin();
  while (w != writes_.end() || d != deletes_.end()) {
    if (d == deletes_.end() || (w != writes_.end() && w->first < *d)) {
      entry(w->first, &w->second);
      ++w;
    } else {
      entry(*d, nullptr);
      ++d;
    }
  }
  return h.finish();
}

Bytes chain_app_hash(crypto::Suite suite, ByteView prev_app_hash, ByteView write_set_hash) {
  Bytes buf(prev_app_hash.begin(), prev_app_hash.end());
  buf.insert(buf.end(), write_set_hash.begin(), write_set_hash.end());
  return crypto::hash(suite, buf);
}

}  // namespace rl::ledger
