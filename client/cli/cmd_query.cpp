// regledger status | tx get | block get | receipt get | verify
#include <algorithm>
#include <iostream>

#include "api/error_codes.hpp"
#include "api/routes.hpp"
#include "client/cli/context.hpp"
#include "common/file_io.hpp"
#include "ledger/genesis.hpp"
#include "ledger/limits.hpp"
#include "ledger/receipt.hpp"
#include "ledger/tx.hpp"

namespace rl::cli {

using api::ApiError;
using api::Route;

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

// tx get: with genesis, a committed transaction is shown from a receipt that verifies (the
// exact tx bytes, proven in a committed block), not from the node's /v1/txs answer.
int tx_get(Globals& g, const std::string& id) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  if (!c->has_trust_anchor()) {
    auto r = c->get_json(api::route_path<Route::kTx>(id));
    if (!r.ok()) return report_error(r.error());
    std::cout << r->dump(2) << "\n";
    return 0;
  }
  auto v = c->verified_receipt(id);
  if (v.ok()) {
    nlohmann::json j{
        {"tx_id", v->verified.tx_id_hex},
        {"status", "committed"},
        {"height", v->verified.height},
        {"index", v->receipt.index},
        {"tx", to_base64(v->receipt.tx)},
        {"signer", v->verified.signer},
        {"payload", v->verified.payload_kind},
        {"block_hash", v->verified.block_hash_hex},
        {"block_time_ms", v->verified.block_time_ms},
        {"verified", {{"node", v->url}, {"commit_signatures", v->verified.commit_signatures}}}};
    auto d = ledger::decode_tx(c->trust_anchor()->suite, v->receipt.tx);
    if (d.ok()) j["nonce"] = d->body.nonce();
    std::cout << j.dump(2) << "\n";
    note_verified("tx " + v->verified.tx_id_hex + " committed at height " +
                      std::to_string(v->verified.height),
                  v->url);
    return 0;
  }
  if (v.error().code != "no_valid_answer") return report_error(v.error());
  // No node proved a commit. When nobody lied and some node simply does not have it, the
  // transaction may be pending, which no proof can show: say so, and show the node's word.
  const auto& faults = c->last_faults();
  bool lied = std::any_of(faults.begin(), faults.end(), [](auto& f) { return f.lying(); });
  bool not_found = std::any_of(faults.begin(), faults.end(), [](auto& f) {
    return f.code == api::to_string(ApiError::kTxNotFound);
  });
  if (lied || !not_found) return report_error(v.error());
  auto r = c->get_json(api::route_path<Route::kTx>(id));
  if (!r.ok()) return report_error(r.error());
  std::string status = r->is_object() && r->contains("status") && (*r)["status"].is_string()
                           ? (*r)["status"].get<std::string>()
                           : "?";
  if (status == "pending") {
    std::cout << r->dump(2) << "\n";
    std::cerr << "note: tx is not committed on any node asked; its pending status (from "
              << c->current_url() << ") cannot be verified\n";
    return 0;
  }
  return report_error(make_error(
      "no_valid_answer", c->current_url() + " says the tx is " + status +
                             " but no node served a receipt that verifies; " + v.error().message));
}

// block get: with genesis, the header is verified with the commit certificate carried by the
// next block, and the transaction list against the header's tx_root.
int block_get(Globals& g, std::uint64_t height) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  if (!c->has_trust_anchor()) {
    auto r = c->get_json(api::route_path<Route::kBlock>(std::to_string(height)));
    if (!r.ok()) return report_error(r.error());
    std::cout << r->dump(2) << "\n";
    return 0;
  }
  auto b = c->verified_block(height);
  if (!b.ok()) return report_error(b.error());
  nlohmann::json j{{"height", b->height},
                   {"block_hash", b->block_hash_hex},
                   {"time_ms", b->time_ms},
                   {"prev_block_hash", b->prev_block_hash_hex},
                   {"tx_root", b->tx_root_hex},
                   {"app_hash", b->app_hash_hex},
                   {"proposer", b->proposer},
                   {"tx_count", b->tx_ids.size()},
                   {"txs", b->tx_ids},
                   {"verified", {{"node", b->url}, {"commit_signatures", b->commit_signatures}}}};
  std::cout << j.dump(2) << "\n";
  note_verified("block " + std::to_string(b->height) + " " + b->block_hash_hex, b->url);
  return 0;
}

// receipt get: with genesis, only a receipt that verifies (and is for this tx) is printed or
// saved, in canonical form.
int receipt_get(Globals& g, const std::string& id, const std::string& out) {
  auto c = make_client(g);
  if (!c.ok()) return report_error(c.error());
  std::string text;
  if (c->has_trust_anchor()) {
    auto v = c->verified_receipt(id);
    if (!v.ok()) return report_error(v.error());
    note_verified("receipt for tx " + v->verified.tx_id_hex + " (block " +
                      std::to_string(v->verified.height) + ", " +
                      std::to_string(v->verified.commit_signatures) + " commit signature(s))",
                  v->url);
    text = v->receipt_json;
  } else {
    auto t = c->receipt_text(id);
    if (!t.ok()) return report_error(t.error());
    text = std::move(t).value();
  }
  if (out.empty()) {
    std::cout << text;
    return 0;
  }
  auto w = write_file(out, text);
  if (!w.ok()) return report_error(w.error());
  return 0;
}

struct VerifyOpts {
  std::string receipt, genesis;
};

// Offline: no node is contacted. Everything is checked against the genesis file.
int verify(Globals& g, const VerifyOpts& o) {
  auto anchor = offline_trust_anchor(g, o.genesis);
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
                                {"commit_signatures", v->commit_signatures},
                                {"validators", v->validators},
                                {"validator_handoffs", v->validator_handoffs}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "receipt VALID\n"
              << "  chain       " << anchor->chain_id << "\n"
              << "  tx          " << v->tx_id_hex << " (" << v->payload_kind << ")\n"
              << "  signed by   " << v->signer << " (certificate chains to the genesis root)\n"
              << "  block       " << v->height << " " << v->block_hash_hex << "\n"
              << "  committed   by " << v->commit_signatures << " of " << v->validators
              << " validators (> 2/3 of voting power)\n";
    if (v->validator_handoffs > 0) {
      std::cout << "  validators  set established from genesis through " << v->validator_handoffs
                << " governance change(s)\n";
    }
  }
  return 0;
}

}  // namespace

void add_query_commands(CLI::App& app, Globals& g) {
  app.add_subcommand("status", "Show the node's chain id, height and hashes")->callback([&g] {
    show(g, api::route_path<Route::kStatus>());
  });

  auto txid = std::make_shared<std::string>();
  auto org = std::make_shared<std::string>();
  auto* bal = app.add_subcommand(
      "balance",
      "Show an organization's balance of the settlement unit (minor units). Your own "
      "organization's; regulators and auditors see every organization's");
  bal->add_option("org", *org, "Organization id")->required();
  bal->callback([org, &g] {
    auto c = make_client(g);
    if (!c.ok()) {
      g.exit_code = report_error(c.error());
      return;
    }
    auto r = c->get_json(api::route_path<Route::kBalance>(*org));
    if (!r.ok()) {
      g.exit_code = report_error(r.error());
      return;
    }
    if (g.json_output) {
      std::cout << r->dump() << "\n";
    } else {
      std::cout << *org << " balance " << (*r)["balance"].get<std::int64_t>() << " at height "
                << (*r)["height"].get<std::uint64_t>() << "\n";
    }
  });

  auto* tx = app.add_subcommand("tx", "Transactions");
  tx->require_subcommand(1);
  tx->add_subcommand("get",
                     "Show a transaction by id (with --genesis: from a receipt that verifies)")
      ->callback([txid, &g] { g.exit_code = tx_get(g, *txid); })
      ->add_option("tx_id", *txid, "Transaction id (hex)")
      ->required();

  auto height = std::make_shared<std::uint64_t>(0);
  auto* block = app.add_subcommand("block", "Blocks");
  block->require_subcommand(1);
  block
      ->add_subcommand("get",
                       "Show a block by height (with --genesis: verified with the commit "
                       "certificate that the next block carries, so not the newest block)")
      ->callback([height, &g] { g.exit_code = block_get(g, *height); })
      ->add_option("height", *height, "Block height")
      ->required();

  auto rid = std::make_shared<std::string>();
  auto rout = std::make_shared<std::string>();
  auto* rc = app.add_subcommand("receipt", "Receipts");
  rc->require_subcommand(1);
  auto* rget = rc->add_subcommand(
      "get",
      "Fetch the receipt of a committed transaction (with --genesis: only a receipt that "
      "verifies; nodes serving anything else are reported and skipped)");
  rget->add_option("tx_id", *rid, "Transaction id (hex)")->required();
  rget->add_option("--out", *rout, "Write the receipt to this file instead of stdout");
  rget->callback([rid, rout, &g] { g.exit_code = receipt_get(g, *rid, *rout); });

  auto vo = std::make_shared<VerifyOpts>();
  auto* ver = app.add_subcommand(
      "verify", "Verify a receipt offline against the genesis file (exit 1 if invalid)");
  ver->add_option("receipt", vo->receipt, "Receipt JSON file")
      ->required()
      ->check(CLI::ExistingFile);
  ver->add_option("--genesis", vo->genesis,
                  "genesis.json of the network (default: the global --genesis / "
                  "$REGLEDGER_GENESIS)")
      ->check(CLI::ExistingFile);
  ver->callback([vo, &g] { g.exit_code = verify(g, *vo); });
}

}  // namespace rl::cli
