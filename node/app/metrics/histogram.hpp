#pragma once
// Fixed-bucket histograms for /metrics (docs/operations.md "Metrics"). Two forms of one shape:
// HistogramCounts is a plain value, updated under a lock its owner already holds and copied out
// with the rest of a status struct; AtomicHistogram is updated from many threads without a lock
// (relaxed atomics: a scrape may see one observation's bucket before its sum, which Prometheus
// tolerates). Neither depends on prometheus-cpp, so the modules that observe stay free of it.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace rl::node::metrics {

// Enough for every bucket layout below; more buckets buy nothing an operator would read.
inline constexpr std::size_t kMaxBuckets = 14;

// Seconds. API requests: most answer in under a few milliseconds, a batch or a chunk in more.
inline constexpr std::array<double, 12> kRequestSecondsBounds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
// Seconds. Heights and their phases: tens of milliseconds when healthy, several seconds once a
// round times out.
inline constexpr std::array<double, 13> kHeightSecondsBounds = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

struct HistogramCounts {
  // Upper bounds, ascending, in static storage (the arrays above); an implicit +Inf follows.
  std::span<const double> bounds;
  // counts[i]: observations in bucket i (not cumulative); counts[bounds.size()]: above them all.
  std::array<std::uint64_t, kMaxBuckets + 1> counts{};
  double sum = 0;

  HistogramCounts() = default;
  explicit HistogramCounts(std::span<const double> b) : bounds(b) {}
  void observe(double v);
  std::uint64_t count() const;
};

// Index of the bucket `v` falls into (bounds.size() when above every bound).
std::size_t bucket_index(std::span<const double> bounds, double v);

class AtomicHistogram {
 public:
  explicit AtomicHistogram(std::span<const double> bounds = kRequestSecondsBounds);
  AtomicHistogram(const AtomicHistogram&) = delete;
  AtomicHistogram& operator=(const AtomicHistogram&) = delete;

  void observe(double v);
  HistogramCounts snapshot() const;

 private:
  std::span<const double> bounds_;
  std::array<std::atomic<std::uint64_t>, kMaxBuckets + 1> counts_{};
  std::atomic<double> sum_{0};
};

}  // namespace rl::node::metrics
