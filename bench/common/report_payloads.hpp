#pragma once
// The report the benchmarks submit: a capital-adequacy JSON document per organization, padded
// with a "notes" field to `payload_bytes`, so that every bench measures the same ~1 KB shape.

#include <algorithm>
#include <string>
#include <vector>

namespace rl::bench {

inline std::vector<std::string> padded_report_payloads(const std::vector<std::string>& orgs,
                                                       int payload_bytes) {
  std::vector<std::string> payloads;
  payloads.reserve(orgs.size());
  for (const auto& org : orgs) {
    std::string p = R"({"institution":")" + org +
                    R"(","period":"2026-Q3","cet1_ratio":14.2,"total_capital":1,"notes":")";
    p += std::string(
        static_cast<std::size_t>(std::max(0, payload_bytes - static_cast<int>(p.size()) - 2)), 'n');
    p += "\"}";
    payloads.push_back(std::move(p));
  }
  return payloads;
}

}  // namespace rl::bench
