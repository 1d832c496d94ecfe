#include "node/validator/message_parts.hpp"

#include <algorithm>

#include "crypto/hash.hpp"

namespace rl::node {
namespace {

constexpr std::size_t kMaxDigest = 64;

void put_u32(Bytes& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_u16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
Error bad(const std::string& what) {
  return make_error("bad_part", what);
}

}  // namespace

bool is_part(ByteView payload) {
  return !payload.empty() && payload[0] == kPartMagic;
}

std::vector<Bytes> split_message(crypto::Suite suite, ByteView message, std::size_t part_bytes) {
  if (message.size() <= part_bytes || part_bytes == 0) {
    return {Bytes(message.begin(), message.end())};
  }
  Bytes digest = crypto::hash(suite, message);
  std::size_t count = (message.size() + part_bytes - 1) / part_bytes;
  std::vector<Bytes> parts;
  parts.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t off = i * part_bytes;
    std::size_t n = std::min(part_bytes, message.size() - off);
    Bytes p;
    p.reserve(2 + digest.size() + 12 + n);
    p.push_back(kPartMagic);
    p.push_back(static_cast<std::uint8_t>(digest.size()));
    p.insert(p.end(), digest.begin(), digest.end());
    put_u32(p, static_cast<std::uint32_t>(message.size()));
    put_u32(p, static_cast<std::uint32_t>(part_bytes));
    put_u16(p, static_cast<std::uint16_t>(i));
    put_u16(p, static_cast<std::uint16_t>(count));
    p.insert(p.end(), message.begin() + static_cast<std::ptrdiff_t>(off),
             message.begin() + static_cast<std::ptrdiff_t>(off + n));
    parts.push_back(std::move(p));
  }
  return parts;
}

Result<std::optional<Bytes>> PartAssembler::add(ByteView part) {
  if (part.size() < 2 || part[0] != kPartMagic) return bad("not a part");
  std::size_t dlen = part[1];
  if (dlen == 0 || dlen > kMaxDigest) return bad("digest length");
  std::size_t header = 2 + dlen + 12;
  if (part.size() <= header) return bad("part too short");
  Bytes digest(part.begin() + 2, part.begin() + 2 + static_cast<std::ptrdiff_t>(dlen));
  const std::uint8_t* h = part.data() + 2 + dlen;
  auto u32 = [](const std::uint8_t* b) {
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
  };
  std::uint32_t total = u32(h);
  std::uint32_t stride = u32(h + 4);
  std::uint16_t index = static_cast<std::uint16_t>((h[8] << 8) | h[9]);
  std::uint16_t count = static_cast<std::uint16_t>((h[10] << 8) | h[11]);
  ByteView data = part.subspan(header);
  if (total == 0 || total > max_message_bytes_) return bad("message size out of range");
  if (stride == 0 || count < 2 || index >= count ||
      (static_cast<std::uint64_t>(total) + stride - 1) / stride != count) {
    return bad("part layout out of range");
  }
  std::size_t off = static_cast<std::size_t>(index) * stride;
  std::size_t expect = std::min<std::size_t>(stride, total - off);
  if (data.size() != expect) return bad("part has the wrong length");

  if (std::find(completed_.begin(), completed_.end(), digest) != completed_.end()) {
    return std::optional<Bytes>();
  }
  auto it = pending_.find(digest);
  if (it == pending_.end()) {
    while (pending_.size() >= max_pending_ && !order_.empty()) {
      pending_.erase(order_.front());
      order_.pop_front();
    }
    Pending p;
    p.total_len = total;
    p.stride = stride;
    p.count = count;
    p.have.assign(count, false);
    p.data.assign(total, 0);
    it = pending_.emplace(digest, std::move(p)).first;
    order_.push_back(digest);
  }
  Pending& p = it->second;
  if (p.total_len != total || p.stride != stride || p.count != count) {
    return bad("part disagrees with earlier parts of the same message");
  }
  if (p.have[index]) return std::optional<Bytes>();  // a duplicate is harmless
  std::copy(data.begin(), data.end(), p.data.begin() + static_cast<std::ptrdiff_t>(off));
  p.have[index] = true;
  if (++p.received < p.count) return std::optional<Bytes>();
  Bytes whole = std::move(p.data);
  pending_.erase(it);
  order_.erase(std::remove(order_.begin(), order_.end(), digest), order_.end());
  if (crypto::hash(suite_, whole) != digest) {
    return bad("reassembled message does not match its digest");
  }
  completed_.push_back(digest);
  if (completed_.size() > 8) completed_.pop_front();
  return std::optional<Bytes>(std::move(whole));
}

}  // namespace rl::node
