#include "node/app/metrics/histogram.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace rl::node::metrics {

std::size_t bucket_index(std::span<const double> bounds, double v) {
  // Prometheus buckets are "less than or equal": a value on a bound belongs to that bucket.
  return static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), v) -
                                  bounds.begin());
}

void HistogramCounts::observe(double v) {
  counts[bucket_index(bounds, v)]++;
  sum += v;
}

std::uint64_t HistogramCounts::count() const {
  return std::accumulate(counts.begin(), counts.begin() + bounds.size() + 1, std::uint64_t{0});
}

AtomicHistogram::AtomicHistogram(std::span<const double> bounds) : bounds_(bounds) {
  if (bounds.size() > kMaxBuckets) throw std::logic_error("AtomicHistogram: too many buckets");
}

void AtomicHistogram::observe(double v) {
  counts_[bucket_index(bounds_, v)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

HistogramCounts AtomicHistogram::snapshot() const {
  HistogramCounts out(bounds_);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    out.counts[i] = counts_[i].load(std::memory_order_relaxed);
  }
  out.sum = sum_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace rl::node::metrics
