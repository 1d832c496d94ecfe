#include "fuzz/standalone/mutator.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace rl::fuzz_smoke {
namespace {

// Boundary values decoders get wrong more often than random ones (lengths, signs, varints).
constexpr std::array<std::uint8_t, 8> kInteresting{0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x20};

}  // namespace

Mutator::Mutator(std::uint64_t seed, std::vector<Input> dictionary, std::size_t max_len)
    : rng_(seed), dictionary_(std::move(dictionary)), max_len_(max_len) {}

std::size_t Mutator::below(std::size_t n) {
  return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n);
}

Input Mutator::mutate(const Input& base, const Input& other) {
  Input in = base;
  const std::size_t edits = 1 + below(4);
  for (std::size_t i = 0; i < edits; ++i) mutate_once(in, other);
  if (in.size() > max_len_) in.resize(max_len_);
  return in;
}

void Mutator::mutate_once(Input& in, const Input& other) {
  // Dictionary edits get the same weight as all byte-level edits together when there is a
  // dictionary: its tokens are what random bytes almost never spell.
  const std::size_t kinds = dictionary_.empty() ? 7 : 14;
  const std::size_t kind = below(kinds);
  switch (kind) {
    case 0:
      return flip_bit(in);
    case 1:
      return set_byte(in);
    case 2:
      return add_to_byte(in);
    case 3:
      return insert_bytes(in);
    case 4:
      return erase_bytes(in);
    case 5:
      return duplicate_chunk(in);
    case 6:
      return splice(in, other);
    default:
      return kind % 2 == 0 ? insert_token(in) : overwrite_token(in);
  }
}

void Mutator::flip_bit(Input& in) {
  if (in.empty()) return insert_bytes(in);
  in[below(in.size())] ^= static_cast<std::uint8_t>(1u << below(8));
}

void Mutator::set_byte(Input& in) {
  if (in.empty()) return insert_bytes(in);
  const std::uint8_t value =
      below(2) == 0 ? kInteresting[below(kInteresting.size())] : static_cast<std::uint8_t>(rng_());
  in[below(in.size())] = value;
}

void Mutator::add_to_byte(Input& in) {
  if (in.empty()) return insert_bytes(in);
  const auto delta = static_cast<std::uint8_t>(1 + below(16));
  auto& b = in[below(in.size())];
  b = static_cast<std::uint8_t>(below(2) == 0 ? b + delta : b - delta);
}

void Mutator::insert_bytes(Input& in) {
  const std::size_t count = 1 + below(4);
  const std::size_t pos = below(in.size() + 1);
  for (std::size_t i = 0; i < count; ++i) {
    in.insert(in.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<std::uint8_t>(rng_()));
  }
}

void Mutator::erase_bytes(Input& in) {
  if (in.empty()) return insert_bytes(in);
  const std::size_t pos = below(in.size());
  const std::size_t count = 1 + below(std::min<std::size_t>(16, in.size() - pos));
  const auto first = in.begin() + static_cast<std::ptrdiff_t>(pos);
  in.erase(first, first + static_cast<std::ptrdiff_t>(count));
}

void Mutator::duplicate_chunk(Input& in) {
  if (in.empty()) return insert_bytes(in);
  const std::size_t from = below(in.size());
  const std::size_t len = 1 + below(std::min<std::size_t>(64, in.size() - from));
  const Input chunk(in.begin() + static_cast<std::ptrdiff_t>(from),
                    in.begin() + static_cast<std::ptrdiff_t>(from + len));
  in.insert(in.begin() + static_cast<std::ptrdiff_t>(below(in.size() + 1)), chunk.begin(),
            chunk.end());
}

// The head of `in` up to a random cut, followed by the tail of `other` from another.
void Mutator::splice(Input& in, const Input& other) {
  if (other.empty()) return duplicate_chunk(in);
  const std::size_t keep = below(in.size() + 1);
  const std::size_t from = below(other.size());
  in.resize(keep);
  in.insert(in.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
}

void Mutator::insert_token(Input& in) {
  const Input& token = dictionary_[below(dictionary_.size())];
  in.insert(in.begin() + static_cast<std::ptrdiff_t>(below(in.size() + 1)), token.begin(),
            token.end());
}

void Mutator::overwrite_token(Input& in) {
  const Input& token = dictionary_[below(dictionary_.size())];
  if (in.size() < token.size()) return insert_token(in);
  std::copy(token.begin(), token.end(),
            in.begin() + static_cast<std::ptrdiff_t>(below(in.size() - token.size() + 1)));
}

}  // namespace rl::fuzz_smoke
