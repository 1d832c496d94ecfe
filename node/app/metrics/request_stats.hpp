#pragma once
// What the client API counts for /metrics: requests by route template and status with their
// latency, and refused transactions by error code. Every label comes from a fixed list (route
// templates, a set of statuses, a set of codes, "other" for the rest), so the number of time
// series is bounded whatever clients send. Counting takes no lock: relaxed atomics, read by the
// metrics collector at scrape time.

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>

#include "node/app/metrics/api_routes.hpp"
#include "node/app/metrics/histogram.hpp"

namespace rl::node::metrics {

class ApiRequestStats {
 public:
  // The statuses counted on their own; any other is counted as "other" (index statuses().size()).
  static std::span<const int> statuses();
  static constexpr std::size_t kRoutes = kApiRouteCount;
  static constexpr std::size_t kStatuses = 16;

  void observe(std::string_view path, int status, double seconds);
  // By route index (api_route_templates()) and status index (statuses(), then "other").
  std::uint64_t requests(std::size_t route, std::size_t status) const {
    return requests_[route][status].load(std::memory_order_relaxed);
  }
  HistogramCounts latency(std::size_t route) const { return latency_[route].snapshot(); }

 private:
  std::array<std::array<std::atomic<std::uint64_t>, kStatuses + 1>, kRoutes> requests_{};
  std::array<AtomicHistogram, kRoutes> latency_;
};

class TxRefusalStats {
 public:
  // The codes counted on their own; any other (payload rules of one template, say) is "other"
  // (index codes().size()); the response to the client names it.
  static std::span<const std::string_view> codes();
  static constexpr std::size_t kCodes = 33;

  void count(std::string_view code);
  std::uint64_t refused(std::size_t code_index) const {
    return refused_[code_index].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, kCodes + 1> refused_{};
};

}  // namespace rl::node::metrics
