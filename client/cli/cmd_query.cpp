// regledger status | tx get | block get | receipt get | verify
#include <iostream>

#include "client/cli/context.hpp"
#include "common/file_io.hpp"
#include "ledger/genesis.hpp"
#include "ledger/limits.hpp"
#include "ledger/receipt.hpp"

namespace rl::cli {
namespace {

// GET a path and print the JSON answer.
void show(Globals& g, const std::string& path) {
  auto c = make_client(g);
  if (!c.ok()) {
    g.exit_code = report_error(c.error());
    return;
  }
  auto r = c->get_json(path);
  if (!r.ok()) {
    g.exit_code = report_error(r.error());
    return;
  }
  std::cout << r->dump(2) << "\n";
}

struct VerifyOpts {
  std::string receipt, genesis;
};

// Offline: no node is contacted. Everything is checked against the genesis file.
int verify(Globals& g, const VerifyOpts& o) {
  auto gtext = read_file(o.genesis, ledger::limits::kMaxGenesisBytes);
  if (!gtext.ok()) return report_error(gtext.error());
  auto genesis = ledger::parse_genesis(*gtext);
  if (!genesis.ok()) return report_error(genesis.error());
  auto anchor = ledger::make_trust_anchor(*genesis);
  if (!anchor.ok()) return report_error(anchor.error());
  auto rtext = read_file(o.receipt, ledger::limits::kMaxReceiptBytes);
  if (!rtext.ok()) return report_error(rtext.error());
  auto receipt = ledger::receipt_from_json(*rtext);
  if (!receipt.ok()) return report_error(receipt.error());
  auto v = ledger::verify_receipt(*anchor, *receipt);
  if (!v.ok()) {
    std::cerr << "receipt INVALID: " << v.error().message << "\n";
    return 1;
  }
  if (g.json_output) {
    std::cout << nlohmann::json{{"valid", true},
                                {"tx_id", v->tx_id_hex},
                                {"signer", v->signer},
                                {"payload", v->payload_kind},
                                {"height", v->height},
                                {"block_hash", v->block_hash_hex},
                                {"block_time_ms", v->block_time_ms},
                                {"commit_signatures", v->commit_signatures}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "receipt VALID\n"
              << "  chain       " << anchor->chain_id << "\n"
              << "  tx          " << v->tx_id_hex << " (" << v->payload_kind << ")\n"
              << "  signed by   " << v->signer << " (certificate chains to the genesis root)\n"
              << "  block       " << v->height << " " << v->block_hash_hex << "\n"
              << "  committed   by " << v->commit_signatures << " of "
              << anchor->validator_keys.size() << " validators (> 2/3 of voting power)\n";
  }
  return 0;
}

}  // namespace

void add_query_commands(CLI::App& app, Globals& g) {
  app.add_subcommand("status", "Show the node's chain id, height and hashes")->callback([&g] {
    show(g, "/v1/status");
  });

  auto txid = std::make_shared<std::string>();
  auto* tx = app.add_subcommand("tx", "Transactions");
  tx->require_subcommand(1);
  tx->add_subcommand("get", "Show a transaction by id")
      ->callback([txid, &g] { show(g, "/v1/txs/" + *txid); })
      ->add_option("tx_id", *txid, "Transaction id (hex)")
      ->required();

  auto height = std::make_shared<std::uint64_t>(0);
  auto* block = app.add_subcommand("block", "Blocks");
  block->require_subcommand(1);
  block->add_subcommand("get", "Show a block by height")
      ->callback([height, &g] { show(g, "/v1/blocks/" + std::to_string(*height)); })
      ->add_option("height", *height, "Block height")
      ->required();

  auto rid = std::make_shared<std::string>();
  auto rout = std::make_shared<std::string>();
  auto* rc = app.add_subcommand("receipt", "Receipts");
  rc->require_subcommand(1);
  auto* rget = rc->add_subcommand("get", "Fetch the receipt of a committed transaction");
  rget->add_option("tx_id", *rid, "Transaction id (hex)")->required();
  rget->add_option("--out", *rout, "Write the receipt to this file instead of stdout");
  rget->callback([rid, rout, &g] {
    auto c = make_client(g);
    if (!c.ok()) {
      g.exit_code = report_error(c.error());
      return;
    }
    auto text = c->receipt_text(*rid);
    if (!text.ok()) {
      g.exit_code = report_error(text.error());
      return;
    }
    if (rout->empty()) {
      std::cout << *text;
      return;
    }
    auto w = write_file(*rout, *text);
    if (!w.ok()) g.exit_code = report_error(w.error());
  });

  auto vo = std::make_shared<VerifyOpts>();
  auto* ver = app.add_subcommand(
      "verify", "Verify a receipt offline against the genesis file (exit 1 if invalid)");
  ver->add_option("receipt", vo->receipt, "Receipt JSON file")
      ->required()
      ->check(CLI::ExistingFile);
  ver->add_option("--genesis", vo->genesis, "genesis.json of the network")
      ->required()
      ->check(CLI::ExistingFile);
  ver->callback([vo, &g] { g.exit_code = verify(g, *vo); });
}

}  // namespace rl::cli
