#pragma once
// A node governed by three regulators (threshold 2) with third parties, for the third-party
// access tests (decision 0060): governance helpers (propose by one regulator, approve by
// another), report submission with any payload, and calls to the third-party routes.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "client/lib/session.hpp"
#include "tests/app/node_fixture.hpp"

namespace rl::testing {

struct Answer {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string code() const {
    auto j = json();
    return j.is_object() && j.contains("error") ? j["error"]["code"].get<std::string>() : "";
  }
  bool same_as(const Answer& o) const { return status == o.status && body == o.body; }
};

inline std::ostream& operator<<(std::ostream& os, const Answer& a) {
  return os << a.status << " " << a.body;
}

class ThirdPartyFixture : public ::testing::Test {
 protected:
  ThirdPartyFixture() : node_({}, /*offline=*/false, /*regulators=*/3, /*threshold=*/2) {}

  using Action = std::function<void(ledger::pb::Propose&)>;

  // The first regulator proposes; the second approves, which executes the action. Returns the
  // first refusal code ("" when both committed).
  std::string govern(const std::string& id, const Action& action) {
    const std::string proposed = propose(id, action);
    if (!proposed.empty()) return proposed;
    return approve(id, 1);
  }
  std::string propose(const std::string& id, const Action& action) {
    return node_.submit_as(node_.admins.at(0), [&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id(id);
      p->set_expires_at_height(node_.chain->head().height + 100);
      action(*p);
    });
  }
  std::string approve(const std::string& id, std::size_t admin) {
    return node_.submit_as(node_.admins.at(admin), [&](ledger::pb::TxBody& b) {
      b.mutable_approve()->set_proposal_id(id);
    });
  }

  // Commits a SubmitReport with `payload` signed by `who`; returns the report id.
  std::string submit(const client::Identity& who, const std::string& tmpl,
                     const std::string& period, const std::string& payload) {
    auto c = node_.client();
    auto r = node_.post_tx_bytes(c, node_.sign(who, [&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_submit_report();
      p->set_template_id(tmpl);
      p->set_period(period);
      p->set_content_type("application/json");
      p->set_payload(payload);
    }));
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->status, 202) << r->body;
    node_.seal();
    return nlohmann::json::parse(r->body)["tx_id"];
  }

  Answer call(const std::string& token, const std::string& grant, const std::string& target) {
    auto c = node_.client();
    auto headers = client::bearer_headers(token);
    if (!grant.empty()) headers.emplace_back("X-RegLedger-Grant", grant);
    auto r = c.request("GET", target, {}, headers);
    EXPECT_TRUE(r.ok()) << target;
    if (!r.ok()) return {};
    return {r->status, r->body, r->headers};
  }

  Answer get(const std::string& token, const std::string& target) {
    auto r = node_.get(token, target);
    EXPECT_TRUE(r.ok()) << target;
    if (!r.ok()) return {};
    return {r->status, r->body, r->headers};
  }

  NodeFixture node_;
};

}  // namespace rl::testing
