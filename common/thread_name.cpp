#include "common/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <array>

namespace rl {

void name_this_thread(std::string_view name) {
  std::array<char, 16> buf{};  // 15 bytes and the terminator: the kernel's limit
  const std::size_t n = std::min(name.size(), buf.size() - 1);
  std::copy_n(name.begin(), n, buf.begin());
  // Failure leaves the inherited name: naming is a convenience, never a reason to stop.
  (void)::pthread_setname_np(::pthread_self(), buf.data());
}

}  // namespace rl
