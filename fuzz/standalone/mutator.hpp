// The standalone smoke driver's input mutations. There is no coverage feedback: every mutant is
// derived blindly from the seeds (or from an earlier mutant), so this reaches what small edits of
// valid inputs reach, not what a coverage-guided fuzzer finds (`make fuzz`, docs/fuzzing.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "fuzz/standalone/dictionary.hpp"

namespace rl::fuzz_smoke {

class Mutator {
 public:
  // The same seed, dictionary and sequence of calls give the same mutants (the replay command
  // depends on it), so randomness comes only from the engine, reduced by modulo: the standard
  // distributions may differ between library versions.
  Mutator(std::uint64_t seed, std::vector<Input> dictionary, std::size_t max_len);

  // A mutant of `base`: one to four stacked edits, `other` being the partner of a splice. The
  // result is never longer than max_len.
  Input mutate(const Input& base, const Input& other);

  // Uniform in [0, n); 0 when n is 0. Also used by the driver to pick inputs.
  std::size_t below(std::size_t n);

 private:
  void mutate_once(Input& in, const Input& other);
  void flip_bit(Input& in);
  void set_byte(Input& in);
  void add_to_byte(Input& in);
  void insert_bytes(Input& in);
  void erase_bytes(Input& in);
  void duplicate_chunk(Input& in);
  void splice(Input& in, const Input& other);
  void insert_token(Input& in);
  void overwrite_token(Input& in);

  std::mt19937_64 rng_;
  std::vector<Input> dictionary_;
  std::size_t max_len_;
};

}  // namespace rl::fuzz_smoke
