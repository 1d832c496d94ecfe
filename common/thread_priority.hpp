#pragma once
// Scheduling hints for a node's threads. Admission work (client API, gossiped transactions) is
// unbounded demand; consensus is the bounded work that must never starve behind it. Lowering
// the admission threads' priority (a higher nice value, allowed without privileges) lets the
// kernel give the consensus thread the CPU first when the machine is saturated.

namespace rl {

// Sets the calling thread's nice value to `nice` (0-19) once per thread; later calls are free.
void lower_this_thread_priority(int nice = 10);

}  // namespace rl
