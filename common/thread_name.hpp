#pragma once
// Names the calling thread (what `top -H`, `ps -T`, perf and gdb show), so that an operator
// reading a busy node can tell consensus from admission from I/O. Linux keeps 15 bytes.

#include <string_view>

namespace rl {

void name_this_thread(std::string_view name);

}  // namespace rl
