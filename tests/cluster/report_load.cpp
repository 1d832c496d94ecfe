#include "tests/cluster/report_load.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "client/lib/tx_builder.hpp"

namespace rl::testing {

using nlohmann::json;

ReportLoad::ReportLoad(const Cluster& c, client::Identity reporter, std::uint64_t seed,
                       std::vector<std::size_t> targets)
    : c_(c), reporter_(std::move(reporter)), targets_(std::move(targets)) {
  thread_ = std::thread([this, seed] { run(seed); });
}

ReportLoad::~ReportLoad() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ReportLoad::pause() {
  std::lock_guard lock(mu_);
  paused_ = true;
}

void ReportLoad::resume() {
  std::lock_guard lock(mu_);
  paused_ = false;
}

std::vector<std::string> ReportLoad::accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

std::vector<std::string> ReportLoad::accepted_by(std::size_t node) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (std::size_t k = 0; k < accepted_.size(); ++k) {
    if (via_[k] == node) out.push_back(accepted_[k]);
  }
  return out;
}

std::optional<std::size_t> ReportLoad::accepted_via(const std::string& id) const {
  std::lock_guard lock(mu_);
  const auto it = std::find(accepted_.begin(), accepted_.end(), id);
  if (it == accepted_.end()) return std::nullopt;
  return via_[static_cast<std::size_t>(it - accepted_.begin())];
}

void ReportLoad::run(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uint64_t n = 0;
  while (!stop_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    std::lock_guard lock(mu_);
    if (paused_) continue;
    const std::size_t via =
        targets_.empty() ? rng() % c_.size() : targets_[rng() % targets_.size()];
    if (!c_.running(via)) continue;
    ++n;
    // The node's own height for the expiry window: a node cut off for a while is behind, and a
    // tx it accepts must still be valid when the others include it.
    const std::uint64_t height = api_height(c_.target(via));
    auto tx = client::build_signed_tx(
        reporter_, c_.genesis().chain_id, height, [&](ledger::pb::TxBody& b) {
          auto* p = b.mutable_submit_report();
          p->set_template_id("capital-adequacy");
          p->set_period("2026-Q4");
          p->set_content_type("application/json");
          p->set_payload(R"({"institution":"bank-a","period":"2026-Q4","cet1_ratio":)" +
                         std::to_string(n) + R"(,"total_capital":1})");
        });
    if (!tx.ok()) {
      ++refused_;
      continue;
    }
    auto client = c_.target(via).client(2000);
    auto r = client.post("/v1/txs", json{{"tx", to_base64(*tx)}}.dump());
    if (r.ok() && r->status == 202) {
      accepted_.push_back(json::parse(r->body)["tx_id"].get<std::string>());
      via_.push_back(via);
    } else {
      ++refused_;
    }
  }
}

}  // namespace rl::testing
