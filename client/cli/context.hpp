#pragma once
// Shared state and helpers of the `regledger` subcommands.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/query_string.hpp"
#include "client/lib/identity.hpp"
#include "client/lib/node_client.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/result.hpp"

namespace rl::cli {

struct Globals {
  std::vector<std::string> nodes;  // --node, repeatable; default $REGLEDGER_NODE
  std::string ca_file;             // --ca; default $REGLEDGER_CA
  // --genesis; default $REGLEDGER_GENESIS. When set, reads that can be proven (receipts, tx
  // and block lookups) are verified against it and a node serving anything else is reported.
  std::string genesis_file;
  int timeout_ms = 10000;
  // --identity DIR ($REGLEDGER_IDENTITY) and --password-file ($REGLEDGER_PASSWORD_FILE): the
  // account whose session query commands use (cmd_auth.cpp).
  std::string identity_dir;
  std::string password_file;
  bool json_output = false;
  int exit_code = 0;
};

// Prints "error: <code>: <message>" to stderr and returns exit status 1.
int report_error(const Error& e);
// A client for the configured nodes (code no_nodes / bad_ca / bad_genesis when misconfigured).
// With --genesis it verifies reads and warns on stderr about every node it had to skip.
// Queries that need a session log in as --identity, or else as `signer_dir` (the --as identity
// of a submission, which follows its own transaction) when it holds a password.
Result<client::NodeClient> make_client(const Globals& g, const std::string& signer_dir = "");
// Reads and parses the genesis file (code bad_genesis).
Result<ledger::TrustAnchor> load_trust_anchor(const std::string& path);
// The anchor of an offline check: the command's --genesis `flag`, else the global --genesis /
// $REGLEDGER_GENESIS. Code: bad_genesis (neither given, or the file does not parse).
Result<ledger::TrustAnchor> offline_trust_anchor(const Globals& g, const std::string& flag);
// "verified against genesis: <what>, served by <url>" on stderr, so that stdout stays the data.
void note_verified(const std::string& what, const std::string& url);
// Loads the identity in `dir` and checks it is for the chain the node serves.
Result<client::Identity> load_signer(const std::string& dir);
// Current (chain_id, height) from the node.
Result<std::pair<std::string, std::uint64_t>> chain_position(client::NodeClient& c);
// Submits a signed tx, optionally waits for the commit and saves the receipt (verified
// against genesis when the client has it).
int submit_and_report(Globals& g, client::NodeClient& c, const Bytes& tx, bool wait,
                      const std::string& receipt_out, const std::string& what);

// Signs the payload as the identity in `as_dir` (its session follows the commit: GET
// /v1/txs/<id> needs one), submits it, waits for the commit unless `wait` is false, and prints
// it. `fill_at` gets the current height (for payloads that expire relative to it).
int submit_signed(Globals& g, const std::string& as_dir,
                  const std::function<client::Fill(std::uint64_t)>& fill_at,
                  const std::string& what, bool wait = true);
int submit_signed(Globals& g, const std::string& as_dir, const client::Fill& fill,
                  const std::string& what, bool wait = true);

// GETs `path` (a list route, e.g. "/v1/reports") with `query` from `after` on, one page or
// with `all` every page (following `next`), and prints {"reports", "count", "next"?}. Used by
// `report list` and `third-party reports`.
int print_report_pages(Globals& g, client::NodeClient& c, const std::string& path,
                       const api::QueryString& query, std::string after, bool all);

// Loads the saved sessions and the login of --identity into `c` (cmd_auth.cpp).
Status attach_session(const Globals& g, client::NodeClient& c);
// The password of --identity: --password-file, else DIR/password. Code: no_password.
Result<std::string> read_password(const Globals& g);

void add_auth_commands(CLI::App& app, Globals& g);
void add_network_commands(CLI::App& app, Globals& g);
void add_identity_commands(CLI::App& app, Globals& g);
void add_report_commands(CLI::App& app, Globals& g);
// `report open | search | set-policy | key-services` under `report` (cmd_sealed.cpp).
void add_sealed_commands(CLI::App& report, Globals& g);
// report check, and the same check before report submit sends (cmd_report_check.cpp).
void add_check_command(CLI::App& report, Globals& g);
Result<ledger::pb::TemplateRecord> template_for_check(Globals& g, const std::string& id,
                                                      const std::string& file);
// 0 when the file passes; otherwise prints its errors and returns 1.
int check_before_submit(Globals& g, const ledger::pb::TemplateRecord& t, const std::string& file,
                        const std::string& content_type);
// report submit-batch (cmd_report_batch.cpp).
void add_batch_command(CLI::App& report, Globals& g);
// report upload | download: chunked datasets (cmd_report_upload.cpp).
void add_upload_commands(CLI::App& report, Globals& g);
// report review | extend | versions (cmd_lifecycle.cpp).
void add_lifecycle_commands(CLI::App& report, Globals& g);
// Seals `p.payload` as the policy file asks (cmd_sealed.cpp): fetches the key services from
// `c`, replaces the payload with its ciphertext and sets the envelope.
Status seal_for_submit(Globals& g, client::NodeClient& c, const client::Identity& signer,
                       const std::string& seal_file, ledger::pb::SubmitReport& p);
void add_query_commands(CLI::App& app, Globals& g);
void add_evidence_commands(CLI::App& app, Globals& g);
// After add_identity_commands (adds `account suspend|reinstate` to its `account`).
void add_governance_commands(CLI::App& app, Globals& g);
// `device`: the offline device simulator (cmd_device.cpp).
void add_device_commands(CLI::App& app, Globals& g);
// `third-party reports`: the third-party routes with a grant (cmd_third_party.cpp).
void add_third_party_commands(CLI::App& app, Globals& g);
// `index`: the PostgreSQL index for auditors (cmd_index.cpp, docs/audit-sql.md).
void add_index_command(CLI::App& app, Globals& g);
// `export` and `verify-bundle`: verifiable export bundles (cmd_export.cpp, docs/export.md).
void add_export_commands(CLI::App& app, Globals& g);

}  // namespace rl::cli
