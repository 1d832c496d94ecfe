#include "common/thread_priority.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace rl {

void lower_this_thread_priority(int nice) {
  thread_local bool done = false;
  if (done) return;
  done = true;
  // On Linux, PRIO_PROCESS with a thread id applies to that thread only. Failure (e.g. a
  // sandbox forbidding it) just leaves the default priority.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice);
}

}  // namespace rl
