// What validators check of a sealed report's envelope, and of the governance actions behind
// it (ledger/exec_sealing.cpp). Each rule: a report (or action) that breaks only it is refused
// with its code at admission, which executes it on the committed state as a block would.
#include <gtest/gtest.h>

#include "common/file_io.hpp"
#include "tests/app/sealed_fixture.hpp"
#include "tests/support/must.hpp"

namespace rl::testing {
namespace {

constexpr const char* kPayload = R"({"finding":"x"})";

class SealedEnvelopeTest : public SealedFixture {
 protected:
  // Seals a valid report, applies `change`, and submits it: the refusal code or "".
  std::string submit_changed(const std::function<void(ledger::pb::SubmitReport&)>& change) {
    auto r = sealed_report(submitter_, kPayload);
    change(r);
    return submit(submitter_, r);
  }
  ledger::pb::SealEnvelope& seal(ledger::pb::SubmitReport& r) { return *r.mutable_seal(); }
  // SetKeyService for `name` with `key`'s public half.
  std::string set_key_service(const std::string& id, const std::string& name,
                              const crypto::PrivateKey& key) {
    return propose(id, [&](auto& p) {
      auto* a = p.mutable_set_key_service();
      a->set_name(name);
      a->set_org_id("regulator");
      a->set_public_key_der(to_string(key.public_key().to_der()));
      a->set_api_url("https://127.0.0.1:1");
    });
  }
  std::string propose(const std::string& id, const std::function<void(ledger::pb::Propose&)>& a) {
    return node_.submit_as(*node_.admin, [&](ledger::pb::TxBody& b) {
      auto* p = b.mutable_propose();
      p->set_proposal_id(id);
      p->set_expires_at_height(node_.chain->head().height + 100);
      a(*p);
    });
  }
};

TEST_F(SealedEnvelopeTest, AValidEnvelopeIsAccepted) {
  EXPECT_EQ(submit_changed([](auto&) {}), "");
}

TEST_F(SealedEnvelopeTest, TPolicyMustBeSet) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).set_t_policy("no-such-policy"); }), "not_found");
}

TEST_F(SealedEnvelopeTest, SPolicyMustParse) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).set_s_policy("role:auditor or"); }),
            "bad_policy");
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).set_s_policy(""); }), "bad_policy");
}

TEST_F(SealedEnvelopeTest, SealIdIs16Bytes) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).set_seal_id("short"); }), "bad_seal");
}

TEST_F(SealedEnvelopeTest, SealIdIsNeverReused) {
  auto r = sealed_report(submitter_, kPayload);
  ASSERT_EQ(submit(submitter_, r), "");
  auto again = sealed_report(submitter_, kPayload);
  seal(again).set_seal_id(r.seal().seal_id());
  EXPECT_EQ(submit(submitter_, again), "already_exists");
}

TEST_F(SealedEnvelopeTest, KeyCheckIsAHash) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).set_key_check("abc"); }), "bad_seal");
}

TEST_F(SealedEnvelopeTest, KeywordTagsAre32BytesAndAtMost32) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).add_keyword_tags("short"); }), "bad_seal");
  EXPECT_EQ(submit_changed([&](auto& r) {
              for (int i = 0; i < 33; ++i) seal(r).add_keyword_tags(std::string(32, 't'));
            }),
            "bad_seal");
}

TEST_F(SealedEnvelopeTest, SharesAreOneToSixteen) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).clear_shares(); }), "bad_seal");
  EXPECT_EQ(submit_changed([&](auto& r) {
              while (seal(r).shares_size() < 17) *seal(r).add_shares() = seal(r).shares(0);
            }),
            "bad_seal");
}

TEST_F(SealedEnvelopeTest, ThresholdIsOneToShares) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).set_threshold(0); }), "bad_seal");
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).set_threshold(5); }), "bad_seal");
}

TEST_F(SealedEnvelopeTest, ShareXIsDistinctAndInRange) {
  EXPECT_EQ(
      submit_changed([&](auto& r) { seal(r).mutable_shares(1)->set_x(seal(r).shares(0).x()); }),
      "bad_seal");
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).mutable_shares(0)->set_x(0); }), "bad_seal");
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).mutable_shares(0)->set_x(256); }), "bad_seal");
}

TEST_F(SealedEnvelopeTest, OneSharePerKeyService) {
  EXPECT_EQ(submit_changed([&](auto& r) {
              seal(r).mutable_shares(1)->set_service(seal(r).shares(0).service());
            }),
            "bad_seal");
}

TEST_F(SealedEnvelopeTest, SharesGoToActiveKeyServicesOnly) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).mutable_shares(0)->set_service("ks-9"); }),
            "unknown_key_service");
  auto r = sealed_report(submitter_, kPayload);  // sealed while ks-3 is active
  ASSERT_EQ(propose("rm-ks-3", [](auto& p) { p.mutable_remove_key_service()->set_name("ks-3"); }),
            "");
  EXPECT_EQ(submit(submitter_, r), "unknown_key_service");
}

TEST_F(SealedEnvelopeTest, SharesAreSealedToTheServicesCurrentKey) {
  auto r = sealed_report(submitter_, kPayload);  // sealed to ks-2's first key
  auto rotated = must(crypto::PrivateKey::generate(node_.genesis.suite));
  ASSERT_EQ(set_key_service("rotate-ks-2", "ks-2", rotated), "");
  EXPECT_EQ(submit(submitter_, r), "stale_key_service_key");
}

TEST_F(SealedEnvelopeTest, WrappedShareIsOneTo512Bytes) {
  EXPECT_EQ(submit_changed([&](auto& r) { seal(r).mutable_shares(0)->set_wrapped(""); }),
            "bad_seal");
  EXPECT_EQ(submit_changed(
                [&](auto& r) { seal(r).mutable_shares(0)->set_wrapped(std::string(513, 'w')); }),
            "bad_seal");
}

TEST_F(SealedEnvelopeTest, CiphertextIsBoundedByTheTemplate) {
  ASSERT_EQ(propose("small",
                    [](auto& p) {
                      auto* d = p.mutable_register_report_template()->mutable_definition();
                      d->set_template_id("small");
                      d->set_name("Small");
                      d->set_max_payload_bytes(1000);
                    }),
            "");
  // The template's limit plus the seal's 64 bytes of overhead.
  EXPECT_EQ(submit_changed([&](auto& r) {
              r.set_template_id("small");
              r.set_payload(std::string(1000 + 64, 'c'));
            }),
            "");
  EXPECT_EQ(submit_changed([&](auto& r) {
              r.set_template_id("small");
              r.set_payload(std::string(1000 + 65, 'c'));
            }),
            "report_too_large");
  EXPECT_EQ(submit_changed([&](auto& r) { r.set_payload(""); }), "report_too_large");
  EXPECT_EQ(submit_changed([&](auto& r) { r.set_content_type("text/csv"); }), "bad_report");
}

// A sealed payload is not JSON and is not checked against the template's required fields: the
// validators cannot read it.
TEST_F(SealedEnvelopeTest, RequiredFieldsAreNotCheckedOnCiphertext) {
  EXPECT_EQ(submit_changed([](auto&) {}), "");
}

TEST_F(SealedEnvelopeTest, KeyServiceActionsAreChecked) {
  auto key = must(crypto::PrivateKey::generate(node_.genesis.suite));
  auto other_suite = must(crypto::PrivateKey::generate(
      node_.genesis.suite == crypto::Suite::kP256Sha256 ? crypto::Suite::kSm2Sm3
                                                        : crypto::Suite::kP256Sha256));
  auto set = [&](const std::string& id, const std::string& org, const crypto::PrivateKey& k,
                 const std::string& url) {
    return propose(id, [&](auto& p) {
      auto* a = p.mutable_set_key_service();
      a->set_name("ks-new");
      a->set_org_id(org);
      a->set_public_key_der(to_string(k.public_key().to_der()));
      a->set_api_url(url);
    });
  };
  EXPECT_EQ(set("ks-a", "bank-a", key, "https://127.0.0.1:1"), "bad_field");  // not a regulator
  EXPECT_EQ(set("ks-b", "regulator", other_suite, "https://127.0.0.1:1"), "bad_field");
  EXPECT_EQ(set("ks-c", "regulator", key, "http://127.0.0.1:1"), "bad_field");
  EXPECT_EQ(set("ks-d", "regulator", key, "https://127.0.0.1:1"), "");
  EXPECT_EQ(set("ks-e", "regulator", key, "https://127.0.0.1:1"), "already_exists");
  EXPECT_EQ(propose("rm-x", [](auto& p) { p.mutable_remove_key_service()->set_name("ks-9"); }),
            "not_found");
}

TEST_F(SealedEnvelopeTest, AttributeActionsAreChecked) {
  auto grant = [&](const std::string& id, const std::string& account, const std::string& attr) {
    return propose(id, [&](auto& p) {
      p.mutable_grant_attribute()->set_account_id(account);
      p.mutable_grant_attribute()->set_attribute(attr);
    });
  };
  EXPECT_EQ(grant("g1", "fiu-auditor", "fiu"), "already_exists");
  EXPECT_EQ(grant("g2", "nobody", "fiu"), "not_found");
  EXPECT_EQ(grant("g3", "fiu-auditor", "bad attr"), "bad_field");
  EXPECT_EQ(propose("r1",
                    [](auto& p) {
                      p.mutable_revoke_attribute()->set_account_id("bank-b-auditor");
                      p.mutable_revoke_attribute()->set_attribute("fiu");
                    }),
            "not_found");
  for (int i = 0; i < 31; ++i) {
    ASSERT_EQ(grant("many-" + std::to_string(i), "fiu-auditor", "a" + std::to_string(i)), "");
  }
  EXPECT_EQ(grant("too-many", "fiu-auditor", "one-more"), "too_many_attributes");
}

TEST_F(SealedEnvelopeTest, SealingPolicyMustParse) {
  EXPECT_EQ(propose("bad-t",
                    [](auto& p) {
                      p.mutable_set_sealing_policy()->set_policy_id("t2");
                      p.mutable_set_sealing_policy()->set_policy("kind:");
                    }),
            "bad_policy");
  EXPECT_EQ(propose("bad-id",
                    [](auto& p) {
                      p.mutable_set_sealing_policy()->set_policy_id("no spaces");
                      p.mutable_set_sealing_policy()->set_policy("kind:regulator");
                    }),
            "bad_field");
}

// After a rotation the service opens shares sealed to its old key only while it keeps that key.
TEST_F(SealedEnvelopeTest, RotatedKeyServiceKeepsOpeningOldSharesWithItsPreviousKey) {
  const auto old_report = seal_and_submit(submitter_, kPayload);
  auto rotated = must(crypto::PrivateKey::generate(node_.genesis.suite));
  ASSERT_EQ(set_key_service("rotate-ks-1", "ks-1", rotated), "");
  const auto new_path = (node_.dir / "ks-1-new.key").string();
  must(write_file(new_path, rotated.to_pem(), true));
  const auto old_path = (node_.dir / "ks-1.key").string();
  auto serve_with = [&](std::vector<std::string> paths) {
    in_process_["ks-1"] = std::make_unique<node::sealed::SealedApi>(
        *node_.chain, *node_.identity,
        std::make_unique<node::sealed::KeyReleaser>(
            *node_.chain, "ks-1",
            must(node::sealed::KeyServiceKeys::load(node_.genesis.suite, paths))));
  };
  serve_with({new_path});
  EXPECT_EQ(release_as("ks-1", reg_auditor_, old_report).code(), "key_unavailable");
  serve_with({new_path, old_path});
  EXPECT_EQ(release_as("ks-1", reg_auditor_, old_report).status, 200);
  const auto new_report = seal_and_submit(submitter_, kPayload);
  EXPECT_EQ(release_as("ks-1", reg_auditor_, new_report).status, 200);
  EXPECT_TRUE(open_as(reg_auditor_, new_report).ok());
}

}  // namespace
}  // namespace rl::testing
