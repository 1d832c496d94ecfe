#include "node/validator/inbox_bound.hpp"

#include <algorithm>
#include <cassert>

namespace rl::node {

InboxBound::InboxBound(std::size_t max_frames, std::size_t max_bytes, std::size_t peer_share)
    : max_frames_(max_frames),
      max_bytes_(max_bytes),
      peer_max_frames_(std::max<std::size_t>(1, max_frames / std::max<std::size_t>(1, peer_share))),
      peer_max_bytes_(max_bytes / std::max<std::size_t>(1, peer_share)) {}

bool InboxBound::try_admit(const std::string& peer, std::size_t bytes) {
  std::lock_guard lock(mu_);
  const bool inbox_full =
      total_.frames > 0 && (total_.frames >= max_frames_ || total_.bytes + bytes > max_bytes_);
  Usage& mine = peers_[peer];
  const bool share_full =
      mine.frames > 0 && (mine.frames >= peer_max_frames_ || mine.bytes + bytes > peer_max_bytes_);
  if (inbox_full || share_full) {
    if (mine.frames == 0) peers_.erase(peer);
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  ++mine.frames;
  mine.bytes += bytes;
  ++total_.frames;
  total_.bytes += bytes;
  return true;
}

void InboxBound::release(const std::string& peer, std::size_t bytes) {
  std::lock_guard lock(mu_);
  auto it = peers_.find(peer);
  // Every release matches an admit of the same peer and size (the shell pairs them).
  assert(it != peers_.end() && it->second.frames > 0 && it->second.bytes >= bytes);
  assert(total_.frames > 0 && total_.bytes >= bytes);
  --total_.frames;
  total_.bytes -= bytes;
  if (--it->second.frames == 0) {
    peers_.erase(it);
  } else {
    it->second.bytes -= bytes;
  }
}

std::size_t InboxBound::queued_frames() const {
  std::lock_guard lock(mu_);
  return total_.frames;
}

std::size_t InboxBound::queued_bytes() const {
  std::lock_guard lock(mu_);
  return total_.bytes;
}

bool InboxBound::should_log(std::chrono::steady_clock::time_point now,
                            std::chrono::steady_clock::duration interval) {
  std::lock_guard lock(log_mu_);
  if (logged_ && now - last_log_ < interval) return false;
  logged_ = true;
  last_log_ = now;
  return true;
}

}  // namespace rl::node
