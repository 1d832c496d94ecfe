#include "tests/support/report_tx.hpp"

#include "client/lib/tx_builder.hpp"

namespace rl::testing {

std::string capital_adequacy_payload(const std::string& period) {
  return R"({"institution":"bank-a","period":")" + period +
         R"(","cet1_ratio":12.5,"total_capital":1000})";
}

Result<Bytes> capital_adequacy_tx(const client::Identity& reporter, const std::string& chain_id,
                                  std::uint64_t height, const std::string& payload,
                                  const std::string& period) {
  return client::build_signed_tx(reporter, chain_id, height, [&](ledger::pb::TxBody& b) {
    auto* p = b.mutable_submit_report();
    p->set_template_id("capital-adequacy");
    p->set_period(period);
    p->set_content_type("application/json");
    p->set_payload(payload);
  });
}

}  // namespace rl::testing
