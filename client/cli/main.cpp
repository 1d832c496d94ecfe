// regledger: the RegLedger command-line client.
#include <cstdlib>
#include <sstream>

#include "client/cli/context.hpp"

namespace {
std::vector<std::string> split_commas(const char* s) {
  std::vector<std::string> out;
  if (!s) return out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "regledger - client for the RegLedger regulatory reporting ledger.\n\n"
      "Network bootstrap, certificate authority, enrollment, report submission, queries,\n"
      "and offline verification of receipts against the genesis file.\n\n"
      "Node commands need --node URL (repeatable, tried in order) and --ca FILE (the network\n"
      "root CA); both default to $REGLEDGER_NODE (comma-separated) and $REGLEDGER_CA.\n"
      "A node that cannot be reached or times out is skipped for the next one.\n\n"
      "With --genesis FILE (default $REGLEDGER_GENESIS), what nodes serve is checked against\n"
      "the genesis file instead of believed: `receipt get`, `tx get`, `block get` and\n"
      "`report submit --wait/--receipt` verify the proofs (Merkle path, commit certificate of\n"
      "the genesis validators, signer chain), name the node whose answer verified, warn about\n"
      "any node that served something that does not verify, and move on to the next node.\n"
      "If no node gives a valid answer the command fails (error: no_valid_answer).\n\n"
      "`export` writes one organization's reports for one period with their verified receipts\n"
      "into a bundle that `verify-bundle` checks offline against the genesis file."};
  app.require_subcommand(1);
  rl::cli::Globals g;
  g.nodes = split_commas(std::getenv("REGLEDGER_NODE"));
  if (const char* ca = std::getenv("REGLEDGER_CA")) g.ca_file = ca;
  if (const char* gen = std::getenv("REGLEDGER_GENESIS")) g.genesis_file = gen;
  if (const char* id = std::getenv("REGLEDGER_IDENTITY")) g.identity_dir = id;
  if (const char* pw = std::getenv("REGLEDGER_PASSWORD_FILE")) g.password_file = pw;
  app.add_option("--node", g.nodes, "Node API URL, e.g. https://127.0.0.1:8443 (repeatable)");
  app.add_option("--ca", g.ca_file, "Root CA certificate (PEM) the nodes' TLS chains to");
  app.add_option("--genesis", g.genesis_file,
                 "Network genesis.json: verify what nodes serve, skip nodes whose answers "
                 "do not verify ($REGLEDGER_GENESIS)");
  app.add_option("--timeout-ms", g.timeout_ms, "Per-request timeout in milliseconds")
      ->check(CLI::Range(100, 600000));
  app.add_flag("--json", g.json_output, "Machine-readable JSON output");
  app.add_option("--identity", g.identity_dir,
                 "Identity directory whose session queries use ($REGLEDGER_IDENTITY); see "
                 "`regledger login`");
  app.add_option("--password-file", g.password_file,
                 "Password of --identity (default DIR/password; $REGLEDGER_PASSWORD_FILE)");

  rl::cli::add_auth_commands(app, g);
  rl::cli::add_network_commands(app, g);
  rl::cli::add_identity_commands(app, g);
  rl::cli::add_report_commands(app, g);
  rl::cli::add_query_commands(app, g);
  rl::cli::add_evidence_commands(app, g);
  rl::cli::add_third_party_commands(app, g);
  rl::cli::add_governance_commands(app, g);
  rl::cli::add_device_commands(app, g);
  rl::cli::add_export_commands(app, g);
  rl::cli::add_index_command(app, g);

  CLI11_PARSE(app, argc, argv);
  return g.exit_code;
}
