#pragma once
// Key layout of the world state (column family "state") and the secondary indexes (column
// family "index"). Keys are ASCII prefixes followed by ids; ids are restricted to
// [A-Za-z0-9._-], so '/' separators are unambiguous.

#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace rl::ledger::keys {

inline Bytes org(std::string_view id) {
  return to_bytes("org/" + std::string(id));
}
inline Bytes account(std::string_view id) {
  return to_bytes("acct/" + std::string(id));
}
inline Bytes certificate(ByteView cert_id) {
  return to_bytes("cert/" + to_hex(cert_id));
}
inline Bytes templates_prefix() {
  return to_bytes("tmpl/");
}
inline Bytes tmpl(std::string_view id) {
  return to_bytes("tmpl/" + std::string(id));
}
inline Bytes report(std::string_view report_id) {
  return to_bytes("rpt/" + std::string(report_id));
}
// A committed chunk of a large dataset, in its organization's namespace: no organization can
// learn whether another stored the same bytes (ledger/report_chunks.hpp).
inline Bytes report_chunk(std::string_view org, ByteView chunk_id) {
  return to_bytes("chunk/" + std::string(org) + "/" + to_hex(chunk_id));
}
inline Bytes chunk_data(std::string_view org, ByteView data_hash) {
  return to_bytes("chunkdata/" + std::string(org) + "/" + to_hex(data_hash));
}
inline Bytes report_chunks(std::string_view report_id) {
  return to_bytes("rpt_chunks/" + std::string(report_id));
}
// The last GrantFilingExtension for (template, period, organization); ids hold no '/'.
inline Bytes filing_extension(std::string_view tmpl, std::string_view period,
                              std::string_view org) {
  return to_bytes("ext/" + std::string(tmpl) + "/" + std::string(period) + "/" + std::string(org));
}
inline Bytes nonce(std::string_view account, std::uint64_t n) {
  Bytes k = to_bytes("nonce/" + std::string(account) + "/");
  append_u64_be(k, n);
  return k;
}
// Replay records by expiry (decision 0045): "nonce_exp/" u64be(expires_at_height) "/" account
// "/" u64be(nonce), empty value. Height first, so pruning reads them oldest first; the part after
// the height is the part of the nonce key after "nonce/".
inline Bytes nonce_expiry_prefix() {
  return to_bytes("nonce_exp/");
}
inline Bytes nonce_expiry_from(std::uint64_t expires_at_height) {
  Bytes k = nonce_expiry_prefix();
  append_u64_be(k, expires_at_height);
  return k;
}
inline Bytes nonce_expiry(std::uint64_t expires_at_height, std::string_view account,
                          std::uint64_t n) {
  Bytes k = nonce_expiry_from(expires_at_height);
  Bytes tail = nonce(account, n);
  k.push_back('/');
  k.insert(k.end(), tail.begin() + 6, tail.end());  // after "nonce/"
  return k;
}
// Where pruning resumes: u64be, the lowest expiry height that may still have records.
inline Bytes nonce_prune_cursor() {
  return to_bytes("param/nonce_prune_from");
}
inline Bytes permission_mapping() {
  return to_bytes("param/permission_mapping");
}
// Every certificate ever bound to an account, revoked or not: the account's certificate list
// (renewal binds a new one before the old is revoked). Value: u64be bound height.
inline Bytes account_certificates_prefix(std::string_view account) {
  return to_bytes("acct_cert/" + std::string(account) + "/");
}
inline Bytes account_certificate(std::string_view account, ByteView cert_id) {
  return to_bytes("acct_cert/" + std::string(account) + "/" + to_hex(cert_id));
}
// Revoked certificates, the CRL's source. Value: u64be revocation height.
inline Bytes revoked_certificates_prefix() {
  return to_bytes("cert_revoked/");
}
inline Bytes revoked_certificate(ByteView cert_id) {
  return to_bytes("cert_revoked/" + to_hex(cert_id));
}
// Governance: who governs (GovernanceRecord), the trusted-root changes (TrustedRootsRecord),
// and proposals (ProposalRecord).
inline Bytes governance() {
  return to_bytes("param/governance");
}
inline Bytes trusted_roots() {
  return to_bytes("param/trusted_roots");
}
inline Bytes proposal(std::string_view id) {
  return to_bytes("proposal/" + std::string(id));
}
// Cross-organization read grants (ReadGrantRecord): every grant a reader organization holds is
// under one prefix, so a read check loads them with one scan. An empty template is "*", which
// no template id can be.
inline Bytes read_grants_prefix(std::string_view reader_org) {
  return to_bytes("read_grant/" + std::string(reader_org) + "/");
}
inline Bytes read_grant(std::string_view reader_org, std::string_view owner_org,
                        std::string_view template_id) {
  return to_bytes("read_grant/" + std::string(reader_org) + "/" + std::string(owner_org) + "/" +
                  (template_id.empty() ? std::string("*") : std::string(template_id)));
}
// Third-party access grants (ThirdPartyGrantRecord, decision 0060), by grant id: a call names
// its grant, so one get finds it.
inline Bytes third_party_grant(std::string_view grant_id) {
  return to_bytes("tp_grant/" + std::string(grant_id));
}

// Sealed reports (docs/sealed.md): the envelope and current S policy of each (SealedReportRecord),
// the seal ids in use (value: the report id), the level-T policies (SealingPolicyRecord), the key
// services (KeyServiceRegistry, one record) and the attributes governance granted each account
// (AccountAttributes, one record per account).
inline Bytes sealed_report(std::string_view report_id) {
  return to_bytes("sealed/" + std::string(report_id));
}
inline Bytes seal_id(ByteView id) {
  return to_bytes("seal_id/" + to_hex(id));
}
inline Bytes sealing_policy(std::string_view id) {
  return to_bytes("seal_policy/" + std::string(id));
}
inline Bytes key_services() {
  return to_bytes("param/key_services");
}
inline Bytes attributes(std::string_view account) {
  return to_bytes("attr/" + std::string(account));
}

// The settlement unit (docs/offline.md "Value on the ledger"): balances (BalanceRecord) and
// the supply counters (ValueSupplyRecord).
inline Bytes balances_prefix() {
  return to_bytes("bal/");
}
inline Bytes balance(std::string_view org) {
  return to_bytes("bal/" + std::string(org));
}
inline Bytes value_supply() {
  return to_bytes("param/value_supply");
}

// Offline devices and settlement (docs/offline.md "On the ledger"). Hashes and output ids are
// hex; device ids are [A-Za-z0-9._-].
inline Bytes device(std::string_view id) {
  return to_bytes("dev/" + std::string(id));
}
inline Bytes offline_root(ByteView root_hash) {
  return to_bytes("off_root/" + to_hex(root_hash));
}
// Value: the hash of the hop that consumed the output (the first one settled).
inline Bytes offline_consumed(ByteView output_id) {
  return to_bytes("off_out/" + to_hex(output_id));
}
// Value: the hash of the hop that used the device's counter (the first one settled).
inline Bytes offline_counter(std::string_view device_id, std::uint64_t counter) {
  Bytes k = to_bytes("off_ctr/" + std::string(device_id) + "/");
  append_u64_be(k, counter);
  return k;
}
// Value: the Hop bytes, kept so that a later double spend's proof carries both signed hops.
inline Bytes offline_hop(ByteView hop_hash) {
  return to_bytes("off_hop/" + to_hex(hop_hash));
}
inline Bytes offline_settled(ByteView output_id) {
  return to_bytes("off_settled/" + to_hex(output_id));
}
// `what`: the hex output id, or "ctr-" and the counter.
inline Bytes offline_double_spend(ByteView second_hop_hash, std::string_view what) {
  return to_bytes("off_ds/" + to_hex(second_hop_hash) + "/" + std::string(what));
}

// Index keys (not part of app_hash: they are derived from state and blocks; report_index.hpp
// writes them).
inline Bytes reports_by_org_prefix(std::string_view org) {
  return to_bytes("rpt_org/" + std::string(org) + "/");
}
// Every report, in (organization, height) order.
inline Bytes all_reports_prefix() {
  return to_bytes("rpt_org/");
}
// `period` empty: every period of the template.
inline Bytes reports_by_template_prefix(std::string_view tmpl, std::string_view period) {
  return to_bytes("rpt_tpl/" + std::string(tmpl) + "/" +
                  (period.empty() ? std::string() : std::string(period) + "/"));
}
// One organization's reports of one template: for one period (in time order), or every period
// (`period` empty).
inline Bytes reports_by_org_template_prefix(std::string_view org, std::string_view tmpl,
                                            std::string_view period) {
  return to_bytes("rpt_otp/" + std::string(org) + "/" + std::string(tmpl) + "/" +
                  (period.empty() ? std::string() : std::string(period) + "/"));
}
inline Bytes reports_by_org_template(std::string_view org, std::string_view tmpl,
                                     std::string_view period, std::uint64_t height,
                                     std::string_view id) {
  Bytes k = reports_by_org_template_prefix(org, tmpl, period);
  append_u64_be(k, height);
  k.push_back('/');
  k.insert(k.end(), id.begin(), id.end());
  return k;
}
inline Bytes reports_by_org(std::string_view org, std::uint64_t height, std::string_view id) {
  Bytes k = reports_by_org_prefix(org);
  append_u64_be(k, height);
  k.push_back('/');
  k.insert(k.end(), id.begin(), id.end());
  return k;
}
inline Bytes reports_by_template(std::string_view tmpl, std::string_view period,
                                 std::uint64_t height, std::string_view id) {
  Bytes k = reports_by_template_prefix(tmpl, period);
  append_u64_be(k, height);
  k.push_back('/');
  k.insert(k.end(), id.begin(), id.end());
  return k;
}

}  // namespace rl::ledger::keys
