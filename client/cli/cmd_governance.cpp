// regledger governance propose | governance approve | cert revoke | account suspend |
// account reinstate
#include <chrono>
#include <iostream>

#include "client/cli/context.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "common/wall_clock.hpp"
#include "crypto/hash.hpp"
#include "crypto/x509.hpp"
#include "ledger/limits.hpp"
#include "ledger/report_template.hpp"

namespace rl::cli {
namespace {

Result<std::string> read_small(const std::string& path) {
  return read_file(path, 256 * 1024);
}

struct ProposeOpts {
  std::string as, id, set_mapping, add_template, update_template, add_root, remove_root;
  std::uint64_t expires_in = 1000;
  // Validator-set actions (decision 0041).
  std::string add_validator, remove_validator, set_power;
  std::string validator_cert, tls_cert, p2p, api;
  std::uint64_t power = 0;
  // Cross-organization read grants: reader organization, owner organization, template.
  std::string grant_read, revoke_read, owner, only_template;
  // IssueValue: organization and amount in minor units.
  std::string issue_value;
  std::int64_t amount = 0;
  // Third-party access (decision 0060): grant id, grantee and scope; or the grant to revoke.
  std::string grant_third_party, revoke_third_party, third_party, period_from, period_to;
  std::vector<std::string> scope_templates, scope_fields, scope_orgs;
  std::uint32_t valid_days = 0, rate_per_minute = 0;
  // Sealed reports (docs/sealed.md): a level-T policy and its text; a key service (name, org,
  // public key file, URL) or the one to remove; an attribute granted to or revoked from an
  // account.
  std::string set_sealing_policy, policy_text;
  std::string set_key_service, key_service_org, key_service_key, key_service_url,
      remove_key_service;
  std::string grant_attribute, revoke_attribute, attribute;
};

// The sealing actions (at most one is given; checked by the caller).
Result<bool> sealing_action(const ProposeOpts& o, ledger::pb::Propose& p) {
  const bool attr = !o.grant_attribute.empty() || !o.revoke_attribute.empty();
  if (attr != !o.attribute.empty()) {
    return make_error("bad_argument",
                      "--grant-attribute and --revoke-attribute ACCOUNT take --attribute NAME");
  }
  if (o.set_sealing_policy.empty() != o.policy_text.empty()) {
    return make_error("bad_argument", "--set-sealing-policy ID takes --policy TEXT");
  }
  const bool ks =
      !o.key_service_org.empty() || !o.key_service_key.empty() || !o.key_service_url.empty();
  if (ks != !o.set_key_service.empty()) {
    return make_error("bad_argument",
                      "--set-key-service NAME takes --key-service-org, --key-service-key "
                      "(a PEM key file) and --key-service-url");
  }
  if (!o.set_sealing_policy.empty()) {
    p.mutable_set_sealing_policy()->set_policy_id(o.set_sealing_policy);
    p.mutable_set_sealing_policy()->set_policy(o.policy_text);
  } else if (!o.set_key_service.empty()) {
    RL_ASSIGN_OR_RETURN(auto pem, read_small(o.key_service_key));
    // A public key, or the service's private key file (only its public half is used).
    auto pub = crypto::PublicKey::from_pem(pem);
    if (!pub.ok()) {
      auto priv = crypto::PrivateKey::from_pem(pem);
      if (!priv.ok()) return make_error("bad_argument", o.key_service_key + " holds no PEM key");
      pub = priv->public_key();
    }
    auto* a = p.mutable_set_key_service();
    a->set_name(o.set_key_service);
    a->set_org_id(o.key_service_org);
    a->set_public_key_der(to_string(pub->to_der()));
    a->set_api_url(o.key_service_url);
  } else if (!o.remove_key_service.empty()) {
    p.mutable_remove_key_service()->set_name(o.remove_key_service);
  } else if (!o.grant_attribute.empty()) {
    p.mutable_grant_attribute()->set_account_id(o.grant_attribute);
    p.mutable_grant_attribute()->set_attribute(o.attribute);
  } else if (!o.revoke_attribute.empty()) {
    p.mutable_revoke_attribute()->set_account_id(o.revoke_attribute);
    p.mutable_revoke_attribute()->set_attribute(o.attribute);
  } else {
    return false;
  }
  return true;
}

// GrantThirdPartyAccess from the options. The expiry is this machine's clock plus --valid-days;
// the ledger refuses it unless it lies after the block time and within 400 days of it.
Result<ledger::pb::GrantThirdPartyAccess> third_party_grant(const ProposeOpts& o) {
  if (o.third_party.empty() || o.scope_templates.empty() || o.scope_orgs.empty() ||
      o.valid_days == 0 || o.rate_per_minute == 0) {
    return make_error("bad_argument",
                      "--grant-third-party needs --third-party, --templates, --orgs, "
                      "--valid-days and --rate-per-minute");
  }
  ledger::pb::GrantThirdPartyAccess g;
  g.set_grant_id(o.grant_third_party);
  g.set_third_party_org(o.third_party);
  auto* s = g.mutable_scope();
  for (const auto& t : o.scope_templates) s->add_templates(t);
  for (const auto& f : o.scope_fields) s->add_fields(f);
  for (const auto& org : o.scope_orgs) s->add_orgs(org);
  s->set_period_from(o.period_from);
  s->set_period_to(o.period_to);
  const auto now_ms = rl::wall_now_ms();
  g.set_expires_at_ms(now_ms + std::int64_t{o.valid_days} * 86'400'000);
  g.set_rate_limit_per_minute(o.rate_per_minute);
  return g;
}

// AddValidator from the options: the node certificate file holds the leaf first, then any
// intermediates between it and a genesis root.
Result<ledger::pb::AddValidator> add_validator_action(const ProposeOpts& o) {
  if (o.validator_cert.empty() || o.p2p.empty()) {
    return make_error("bad_argument", "--add-validator needs --validator-cert and --p2p");
  }
  ledger::pb::AddValidator a;
  auto* v = a.mutable_validator();
  v->set_name(o.add_validator);
  v->set_power(o.power == 0 ? 1 : o.power);
  v->set_p2p_address(o.p2p);
  v->set_api_url(o.api);
  RL_ASSIGN_OR_RETURN(auto pem, read_small(o.validator_cert));
  RL_ASSIGN_OR_RETURN(auto certs, crypto::Certificate::bundle_from_pem(pem));
  if (certs.empty()) return make_error("bad_argument", o.validator_cert + " holds no certificate");
  v->set_certificate_der(to_string(certs[0].to_der()));
  for (std::size_t i = 1; i < certs.size(); ++i) v->add_chain_der(to_string(certs[i].to_der()));
  if (!o.tls_cert.empty()) {
    RL_ASSIGN_OR_RETURN(auto tls_pem, read_small(o.tls_cert));
    RL_ASSIGN_OR_RETURN(auto tls, crypto::Certificate::from_pem(tls_pem));
    v->set_tls_certificate_der(to_string(tls.to_der()));
  }
  return a;
}

// The one action the options name, as a Propose without id and expiry.
Result<ledger::pb::Propose> proposal_action(const ProposeOpts& o, crypto::Suite suite) {
  ledger::pb::Propose p;
  int actions = !o.set_mapping.empty() + !o.add_template.empty() + !o.update_template.empty() +
                !o.add_root.empty() + !o.remove_root.empty() + !o.add_validator.empty() +
                !o.remove_validator.empty() + !o.set_power.empty() + !o.grant_read.empty() +
                !o.revoke_read.empty() + !o.issue_value.empty() + !o.grant_third_party.empty() +
                !o.revoke_third_party.empty() + !o.set_sealing_policy.empty() +
                !o.set_key_service.empty() + !o.remove_key_service.empty() +
                !o.grant_attribute.empty() + !o.revoke_attribute.empty();
  if (actions != 1) {
    return make_error("bad_argument",
                      "give exactly one of --set-mapping, --add-template, --update-template, "
                      "--add-root, --remove-root, --add-validator, --remove-validator, "
                      "--set-power, --grant-read, --revoke-read, --issue-value, "
                      "--grant-third-party, --revoke-third-party, --set-sealing-policy, "
                      "--set-key-service, --remove-key-service, --grant-attribute, "
                      "--revoke-attribute");
  }
  RL_ASSIGN_OR_RETURN(bool sealing, sealing_action(o, p));
  if (sealing) return p;
  const bool scoped = !o.third_party.empty() || !o.scope_templates.empty() ||
                      !o.scope_fields.empty() || !o.scope_orgs.empty() || !o.period_from.empty() ||
                      !o.period_to.empty() || o.valid_days != 0 || o.rate_per_minute != 0;
  if (scoped && o.grant_third_party.empty()) {
    return make_error("bad_argument",
                      "--third-party, --templates, --fields, --orgs, --period-from, --period-to, "
                      "--valid-days and --rate-per-minute go with --grant-third-party only");
  }
  if (o.issue_value.empty() != (o.amount == 0)) {
    return make_error("bad_argument",
                      "--issue-value ORG goes with --amount N (minor units, N > 0)");
  }
  const bool read_grant = !o.grant_read.empty() || !o.revoke_read.empty();
  if (read_grant != !o.owner.empty() || (!read_grant && !o.only_template.empty())) {
    return make_error("bad_argument",
                      "--grant-read and --revoke-read take --owner (and optionally "
                      "--only-template); --owner and --only-template go with them only");
  }
  if (!o.grant_third_party.empty()) {
    RL_ASSIGN_OR_RETURN(*p.mutable_grant_third_party_access(), third_party_grant(o));
  } else if (!o.revoke_third_party.empty()) {
    p.mutable_revoke_third_party_access()->set_grant_id(o.revoke_third_party);
  } else if (!o.issue_value.empty()) {
    p.mutable_issue_value()->set_org_id(o.issue_value);
    p.mutable_issue_value()->set_amount(o.amount);
  } else if (!o.grant_read.empty()) {
    auto* g = p.mutable_grant_read();
    g->set_reader_org(o.grant_read);
    g->set_owner_org(o.owner);
    g->set_template_id(o.only_template);
  } else if (!o.revoke_read.empty()) {
    auto* r = p.mutable_revoke_read_grant();
    r->set_reader_org(o.revoke_read);
    r->set_owner_org(o.owner);
    r->set_template_id(o.only_template);
  } else if (!o.add_validator.empty()) {
    RL_ASSIGN_OR_RETURN(*p.mutable_add_validator(), add_validator_action(o));
  } else if (!o.remove_validator.empty()) {
    p.mutable_remove_validator()->set_name(o.remove_validator);
  } else if (!o.set_power.empty()) {
    if (o.power == 0) return make_error("bad_argument", "--set-power needs --power N (N >= 1)");
    p.mutable_set_validator_power()->set_name(o.set_power);
    p.mutable_set_validator_power()->set_power(o.power);
  } else if (!o.set_mapping.empty()) {
    RL_ASSIGN_OR_RETURN(*p.mutable_set_permission_mapping(),
                        client::parse_mapping_spec(o.set_mapping));
  } else if (!o.add_template.empty() || !o.update_template.empty()) {
    const bool add = !o.add_template.empty();
    RL_ASSIGN_OR_RETURN(auto text, read_small(add ? o.add_template : o.update_template));
    RL_ASSIGN_OR_RETURN(auto def, ledger::parse_template_json(text));
    if (add) {
      *p.mutable_register_report_template()->mutable_definition() = std::move(def);
    } else {
      *p.mutable_update_report_template()->mutable_definition() = std::move(def);
    }
  } else if (!o.add_root.empty()) {
    RL_ASSIGN_OR_RETURN(auto pem, read_small(o.add_root));
    RL_ASSIGN_OR_RETURN(auto cert, crypto::Certificate::from_pem(pem));
    if (!cert.is_ca()) return make_error("bad_argument", o.add_root + " is not a CA certificate");
    p.mutable_add_trusted_root()->set_certificate_der(to_string(cert.to_der()));
  } else {
    auto id = from_hex(o.remove_root);
    if (!id.ok() || id->size() != crypto::hash_size(suite)) {
      return make_error("bad_argument", "--remove-root takes the root's certificate id (hex)");
    }
    p.mutable_remove_trusted_root()->set_cert_id(to_string(*id));
  }
  return p;
}

int governance_propose(Globals& g, const ProposeOpts& o) {
  auto signer = load_signer(o.as);
  if (!signer.ok()) return report_error(signer.error());
  auto action = proposal_action(o, signer->suite);
  if (!action.ok()) return report_error(action.error());
  // The expiry counts from the height the node reports when the tx is built.
  return submit_signed(
      g, o.as,
      [&](std::uint64_t height) { return client::propose(o.id, height + o.expires_in, *action); },
      "proposal " + o.id);
}

struct RevokeOpts {
  std::string as, cert_id, cert_file, reason;
};

int cert_revoke(Globals& g, const RevokeOpts& o) {
  auto signer = load_signer(o.as);
  if (!signer.ok()) return report_error(signer.error());
  Bytes id;
  if (!o.cert_file.empty()) {
    auto pem = read_small(o.cert_file);
    if (!pem.ok()) return report_error(pem.error());
    auto cert = crypto::Certificate::from_pem(*pem);
    if (!cert.ok()) return report_error(cert.error());
    id = cert->id(signer->suite);
  } else {
    auto parsed = from_hex(o.cert_id);
    if (!parsed.ok() || parsed->size() != crypto::hash_size(signer->suite)) {
      return report_error(make_error(
          "bad_argument", "--cert-id is the certificate id: the suite hash of its DER, in hex"));
    }
    id = std::move(parsed).value();
  }
  if (!g.json_output) std::cout << "revoking certificate " << to_hex(id) << "\n";
  return submit_signed(g, o.as, client::revoke_certificate(id, o.reason), "revocation");
}

struct SuspendOpts {
  std::string as, account, reason;
};

void add_suspend_command(CLI::App* acct, Globals& g, bool suspend) {
  auto o = std::make_shared<SuspendOpts>();
  auto* cmd = acct->add_subcommand(
      suspend ? "suspend" : "reinstate",
      suspend ? "Suspend an account: its transactions are refused (account_suspended) until it "
                "is reinstated. By the account's organization admin or a regulator admin."
              : "Reinstate a suspended account. By the account's organization admin or a "
                "regulator admin.");
  cmd->add_option("--as", o->as, "Identity directory of the signing admin")->required();
  cmd->add_option("--account", o->account, "Account id")->required();
  cmd->add_option("--reason", o->reason, "Why (1-256 bytes, kept on the ledger)")->required();
  cmd->callback([o, &g, suspend] {
    g.exit_code = submit_signed(g, o->as, client::suspend_account(o->account, suspend, o->reason),
                                (suspend ? "suspension of " : "reinstatement of ") + o->account);
  });
}

}  // namespace

void add_governance_commands(CLI::App& app, Globals& g) {
  auto* gov = app.add_subcommand(
      "governance",
      "Changes that need M of the N genesis regulators: the permission mapping, report "
      "templates, trusted root CAs, the validator set, cross-organization read grants, "
      "third-party access grants, issuing value of the settlement unit. The "
      "proposer's organization is the "
      "first approval; the approval that reaches M executes the change in the same "
      "transaction. A validator-set change executed in block h takes effect at h + 2; only "
      "one may be pending at a time (validator_change_pending).");
  gov->require_subcommand(1);
  auto po = std::make_shared<ProposeOpts>();
  auto* propose = gov->add_subcommand(
      "propose", "Propose one change (regulator admin of a governing organization)");
  propose->add_option("--as", po->as, "Identity directory of the proposing regulator admin")
      ->required();
  propose->add_option("--id", po->id, "Proposal id, [A-Za-z0-9._-]{1,64}, unique")->required();
  propose
      ->add_option("--expires-in", po->expires_in,
                   "Blocks from now after which approvals fail (proposal_expired)")
      ->check(CLI::Range(1, 10'000'000));
  propose->add_option("--set-mapping", po->set_mapping,
                      "Replace the permission mapping: LEVEL=MAX or LO-HI=MAX items, comma-"
                      "separated, later items win, every level 00-99 covered; e.g. "
                      "00-99=0,10-19=12,99=99");
  propose
      ->add_option("--add-template", po->add_template,
                   "Register a report template from a JSON file: {\"id\", \"name\", "
                   "\"data_level_floor\", \"required_fields\", \"max_payload_bytes\", "
                   "\"masks\": [{\"field\": \"phone\", \"keep_ends\": {\"first\": 3, "
                   "\"last\": 4}}, ...]}")
      ->check(CLI::ExistingFile);
  propose
      ->add_option("--update-template", po->update_template,
                   "Replace a registered template (same JSON); reports already on the ledger "
                   "keep their labels")
      ->check(CLI::ExistingFile);
  propose
      ->add_option("--add-root", po->add_root,
                   "Trust a self-signed root CA (PEM file) for new certificate bindings")
      ->check(CLI::ExistingFile);
  propose->add_option("--remove-root", po->remove_root,
                      "Stop new bindings under a root, by certificate id (hex); bound "
                      "certificates stay bound");
  propose->add_option("--add-validator", po->add_validator,
                      "Add a validator by name ([A-Za-z0-9._-]{1,64}, not used by any node). "
                      "Needs --validator-cert and --p2p; --power (default 1), --api, and on "
                      "sm2-sm3 networks --tls-cert. Start the node from the same genesis first: "
                      "it follows the chain and starts voting at the effective height");
  propose->add_option("--remove-validator", po->remove_validator,
                      "Remove a validator by name (the set may not become empty: "
                      "last_validator). It stops signing at the effective height; stop its "
                      "node afterwards");
  propose->add_option("--set-power", po->set_power,
                      "Change a validator's voting power, by name; needs --power");
  propose
      ->add_option("--validator-cert", po->validator_cert,
                   "The new validator's node certificate (PEM; leaf first, then any "
                   "intermediates up to a genesis root). Its key signs votes")
      ->check(CLI::ExistingFile);
  propose
      ->add_option("--tls-cert", po->tls_cert,
                   "sm2-sm3 networks: the validator's P-256 transport certificate (PEM), as "
                   "tls_certificate in genesis")
      ->check(CLI::ExistingFile);
  propose->add_option("--p2p", po->p2p, "The new validator's P2P address, host:port");
  propose->add_option("--api", po->api, "The new validator's API URL (informational)");
  propose
      ->add_option("--power", po->power,
                   "Voting power for --add-validator / --set-power: 1-65536, and the set's "
                   "total at most 65536")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{65536}));
  propose->add_option("--grant-read", po->grant_read,
                      "Let this institution read the reports of --owner (all of them, or only "
                      "--only-template's), with their transactions and receipts; its accounts' "
                      "output permission and clearance still apply");
  propose->add_option("--revoke-read", po->revoke_read,
                      "End the read grant of this institution on --owner (same --only-template "
                      "as granted)");
  propose->add_option("--owner", po->owner,
                      "With --grant-read / --revoke-read: the organization whose reports are read");
  propose->add_option("--only-template", po->only_template,
                      "With --grant-read / --revoke-read: only reports of this template");
  propose->add_option("--issue-value", po->issue_value,
                      "Issue new value of the settlement unit to this organization's balance; "
                      "needs --amount");
  propose
      ->add_option("--amount", po->amount,
                   "With --issue-value: minor units (integer, > 0; no fractions, no floating "
                   "point)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 62));
  propose->add_option("--grant-third-party", po->grant_third_party,
                      "Grant a third party (organization of kind third_party) masked access "
                      "under this grant id ([A-Za-z0-9._-]{1,64}, never reused); needs "
                      "--third-party, --templates, --orgs, --valid-days, --rate-per-minute, and "
                      "optionally --fields, --period-from, --period-to (docs/protection.md)");
  propose->add_option("--revoke-third-party", po->revoke_third_party,
                      "Revoke a third-party grant by id: calls are refused (grant_revoked) from "
                      "the block that commits the revocation on");
  propose->add_option("--set-sealing-policy", po->set_sealing_policy,
                      "Create or change the level-T sealing policy with this id (with --policy); "
                      "key services follow the new text from the next committed height, with no "
                      "re-encryption (docs/sealed.md)");
  propose->add_option("--policy", po->policy_text,
                      "With --set-sealing-policy: the policy, e.g. 'kind:regulator or attr:fiu'");
  propose->add_option("--set-key-service", po->set_key_service,
                      "Register a key service, or rotate its key (with --key-service-org, "
                      "--key-service-key, --key-service-url)");
  propose->add_option("--key-service-org", po->key_service_org,
                      "With --set-key-service: the regulator organization that runs it");
  propose->add_option("--key-service-key", po->key_service_key,
                      "With --set-key-service: a PEM file with its public key (or its private "
                      "key file, of which only the public half is sent)");
  propose->add_option("--key-service-url", po->key_service_url,
                      "With --set-key-service: https://host:port of the node that runs it");
  propose->add_option("--remove-key-service", po->remove_key_service,
                      "Remove a key service: new seals cannot name it and it releases nothing");
  propose->add_option("--grant-attribute", po->grant_attribute,
                      "Grant an account an attribute (`attr:NAME` in sealing policies; with "
                      "--attribute)");
  propose->add_option("--revoke-attribute", po->revoke_attribute,
                      "Revoke an account's attribute (with --attribute)");
  propose->add_option("--attribute", po->attribute, "The attribute name, [A-Za-z0-9._-]{1,64}");
  propose->add_option("--third-party", po->third_party,
                      "With --grant-third-party: the grantee organization");
  propose
      ->add_option("--templates", po->scope_templates,
                   "With --grant-third-party: templates in scope (1-16, each with masking "
                   "rules)")
      ->delimiter(',');
  propose
      ->add_option("--fields", po->scope_fields,
                   "With --grant-third-party: masked fields in scope (default: every masked "
                   "field)")
      ->delimiter(',');
  propose
      ->add_option("--orgs", po->scope_orgs,
                   "With --grant-third-party: organizations whose reports are in scope (1-64)")
      ->delimiter(',');
  propose->add_option("--period-from", po->period_from,
                      "With --grant-third-party: first period in scope (inclusive, compared as "
                      "bytes: use sortable periods such as 2026-Q1)");
  propose->add_option("--period-to", po->period_to,
                      "With --grant-third-party: last period in scope (inclusive)");
  propose
      ->add_option("--valid-days", po->valid_days,
                   "With --grant-third-party: the grant expires this many days from now")
      ->check(CLI::Range(1, 400));
  propose
      ->add_option("--rate-per-minute", po->rate_per_minute,
                   "With --grant-third-party: calls per minute, per node")
      ->check(CLI::Range(1, 6000));
  propose->callback([po, &g] { g.exit_code = governance_propose(g, *po); });

  auto approve_id = std::make_shared<std::string>();
  auto approve_as = std::make_shared<std::string>();
  auto* approve = gov->add_subcommand(
      "approve",
      "Approve a proposal for your organization (once per organization; fails with "
      "proposal_expired past its expiry, already_approved, proposal_executed, not_found)");
  approve->add_option("--as", *approve_as, "Identity directory of the approving regulator admin")
      ->required();
  approve->add_option("--id", *approve_id, "Proposal id")->required();
  approve->callback([approve_id, approve_as, &g] {
    g.exit_code =
        submit_signed(g, *approve_as, client::approve(*approve_id), "approval of " + *approve_id);
  });

  auto* cert = app.add_subcommand("cert", "Certificates bound on the ledger");
  cert->require_subcommand(1);
  auto ro = std::make_shared<RevokeOpts>();
  auto* revoke = cert->add_subcommand(
      "revoke",
      "Revoke a bound certificate: transactions it signs are refused (certificate_revoked). By "
      "the admin of the certificate account's organization or a regulator admin. For renewal, "
      "enroll the new certificate first, then revoke the old one.");
  revoke->add_option("--as", ro->as, "Identity directory of the signing admin")->required();
  auto* by_id = revoke->add_option("--cert-id", ro->cert_id,
                                   "Certificate id: hex suite hash of its DER (as in tx "
                                   "signer_cert_id)");
  auto* by_file = revoke->add_option("--cert", ro->cert_file, "Or: the certificate (PEM file)")
                      ->check(CLI::ExistingFile);
  by_id->excludes(by_file);
  revoke->add_option("--reason", ro->reason, "Why (1-256 bytes, kept on the ledger)")->required();
  revoke->callback([ro, &g] {
    if (ro->cert_id.empty() == ro->cert_file.empty()) {
      g.exit_code = report_error(make_error("bad_argument", "give --cert-id or --cert"));
      return;
    }
    g.exit_code = cert_revoke(g, *ro);
  });

  // `account` is created by add_identity_commands; suspension lives next to registration.
  CLI::App* acct = app.get_subcommand("account");
  add_suspend_command(acct, g, true);
  add_suspend_command(acct, g, false);
}

}  // namespace rl::cli
