#include "node/validator/byzantine/swallow.hpp"

#include <spdlog/spdlog.h>

#include <atomic>

namespace rl::node::byzantine {
namespace {

std::atomic<bool> g_on{false};
std::atomic<std::uint64_t> g_swallowed{0};

}  // namespace

void set_swallowing(bool on) {
  g_on.store(on);
}

bool swallowing() {
  return g_on.load();
}

bool swallow(const Bytes& tx_id) {
  if (!g_on.load()) return false;
  g_swallowed.fetch_add(1);
  spdlog::warn("byzantine swallowed tx id={}", to_hex(tx_id));
  return true;
}

std::uint64_t swallowed() {
  return g_swallowed.load();
}

}  // namespace rl::node::byzantine
