#include "node/p2p/frame_faults.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace rl::p2p::detail {
namespace {

enum class Kind { kPass, kDrop, kDuplicate, kReorder, kDelay };

Kind pick(const FrameFaultSettings& s, double u) {
  double edge = s.drop;
  if (u < edge) return Kind::kDrop;
  if (u < (edge += s.dup)) return Kind::kDuplicate;
  if (u < (edge += s.reorder)) return Kind::kReorder;
  if (u < (edge += s.delay)) return Kind::kDelay;
  return Kind::kPass;
}

}  // namespace

FrameFaults::FrameFaults(boost::asio::io_context& ioc, FrameFaultSettings settings,
                         FrameSink deliver)
    : settings_(std::move(settings)),
      deliver_(std::move(deliver)),
      timer_(ioc),
      summary_timer_(ioc) {}

FrameFaults::Link& FrameFaults::link(const std::string& peer) {
  auto it = links_.find(peer);
  if (it != links_.end()) return it->second;
  // The seed and the peer's name: each link's sequence of faults is fixed by the node's seed
  // alone, whatever the other links carry.
  std::vector<std::uint32_t> words = {static_cast<std::uint32_t>(settings_.seed),
                                      static_cast<std::uint32_t>(settings_.seed >> 32)};
  for (unsigned char ch : peer) words.push_back(ch);
  std::seed_seq seq(words.begin(), words.end());
  return links_.emplace(peer, Link{std::mt19937_64(seq), std::nullopt, 0}).first->second;
}

void FrameFaults::on_frame(const std::string& peer, Channel channel, SharedBytes payload) {
  ++counts_.frames;
  Link& l = link(peer);
  Kind kind = pick(settings_, std::uniform_real_distribution<double>(0, 1)(l.rng));
  // A frame held for reordering goes right after this one, whatever happens to this one; this
  // one is not held in turn (one frame at a time per link).
  std::optional<Pending> release = std::exchange(l.held, std::nullopt);
  if (kind == Kind::kReorder && release) kind = Kind::kPass;
  if (kind != Kind::kPass) ++counts_.faulted_by_channel[static_cast<std::size_t>(channel)];
  switch (kind) {
    case Kind::kPass:
      ++counts_.passed;
      deliver_(peer, channel, std::move(payload));
      break;
    case Kind::kDrop:
      ++counts_.dropped;
      break;
    case Kind::kDuplicate:
      ++counts_.duplicated;
      deliver_(peer, channel, payload);
      deliver_(peer, channel, payload);
      break;
    case Kind::kReorder:
      ++counts_.reordered;
      l.hold = ++next_hold_;
      l.held = Pending{peer, channel, std::move(payload), 0};
      schedule(Clock::now() + settings_.hold_max, Pending{peer, channel, nullptr, l.hold});
      break;
    case Kind::kDelay: {
      ++counts_.delayed;
      std::uniform_int_distribution<std::int64_t> ms(settings_.delay_min.count(),
                                                     settings_.delay_max.count());
      schedule(Clock::now() + std::chrono::milliseconds(ms(l.rng)),
               Pending{peer, channel, std::move(payload), 0});
      break;
    }
  }
  if (release) deliver_(release->peer, release->channel, std::move(release->payload));
}

std::size_t FrameFaults::pending() const {
  std::size_t n = 0;
  for (const auto& [peer, l] : links_) n += l.held ? 1 : 0;
  for (const auto& [at, p] : due_) n += p.payload ? 1 : 0;
  return n;
}

void FrameFaults::schedule(Clock::time_point due, Pending p) {
  const bool earliest = due_.empty() || due < due_.begin()->first;
  due_.emplace(due, std::move(p));
  if (earliest) arm();
}

void FrameFaults::arm() {
  if (due_.empty()) return;
  // Re-arming cancels the previous wait; a wait that had already completed still runs
  // on_timer, which only takes what is due.
  timer_.expires_at(due_.begin()->first);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_timer();
  });
}

void FrameFaults::on_timer() {
  const auto now = Clock::now();
  while (!due_.empty() && due_.begin()->first <= now) {
    Pending p = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    if (p.payload) {
      deliver_(p.peer, p.channel, std::move(p.payload));
      continue;
    }
    // The release of a hold: only if the frame is still held (no next frame came).
    Link& l = link(p.peer);
    if (!l.held || l.hold != p.hold) continue;
    ++counts_.released_by_timer;
    Pending held = std::move(*l.held);
    l.held.reset();
    deliver_(held.peer, held.channel, std::move(held.payload));
  }
  arm();
}

void FrameFaults::start_summaries(std::chrono::milliseconds every) {
  summary_tick(every);
}

void FrameFaults::summary_tick(std::chrono::milliseconds every) {
  summary_timer_.expires_after(every);
  summary_timer_.async_wait([this, every](const boost::system::error_code& ec) {
    if (ec) return;
    log_summary(false);
    summary_tick(every);
  });
}

void FrameFaults::log_summary(bool final) const {
  std::string by_channel;
  for (std::size_t ch = 1; ch <= kMaxChannel; ++ch) {
    by_channel += " faulted_";
    by_channel += channel_name(static_cast<Channel>(ch));
    by_channel += "=";
    by_channel += std::to_string(counts_.faulted_by_channel[ch]);
  }
  spdlog::info(
      "p2p frame faults TEST-ONLY summary final={} seed={} frames={} passed={} dropped={} "
      "duplicated={} reordered={} delayed={} reorder_released_by_timer={} pending={}{}",
      final, settings_.seed, counts_.frames, counts_.passed, counts_.dropped, counts_.duplicated,
      counts_.reordered, counts_.delayed, counts_.released_by_timer, pending(), by_channel);
}

Result<std::unique_ptr<FrameFaults>> frame_faults_from_env(boost::asio::io_context& ioc,
                                                           FrameSink deliver) {
  RL_ASSIGN_OR_RETURN(auto settings, frame_fault_settings_from_env());
  if (!settings) {
    spdlog::warn("p2p frame faults TEST-ONLY build: {} is unset, frames are delivered untouched",
                 kFrameFaultsEnv);
    return std::unique_ptr<FrameFaults>();
  }
  spdlog::warn("p2p frame faults TEST-ONLY build: faulting received data frames {}",
               settings->describe());
  return std::make_unique<FrameFaults>(ioc, std::move(*settings), std::move(deliver));
}

}  // namespace rl::p2p::detail
