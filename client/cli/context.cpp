#include "client/cli/context.hpp"

#include <chrono>
#include <iostream>

#include "common/file_io.hpp"
#include "ledger/limits.hpp"

namespace rl::cli {
namespace {

// Printed as it happens, so that a slow failover (timeouts) shows progress, and a lying node
// is named even when a later node answers correctly.
void warn_fault(const client::NodeFault& f) {
  if (f.lying()) {
    std::cerr << "warning: node " << f.url << " served an answer that does not verify against "
              << "genesis (caught lying): " << f.code << ": " << f.reason << "\n";
  } else {
    std::cerr << "note: node " << f.url << " skipped: " << client::fault_kind_name(f.kind) << ": "
              << f.code << ": " << f.reason << "\n";
  }
}

// A number field of a node's answer, 0 when absent or mistyped (value() would throw).
std::uint64_t uint_or_zero(const nlohmann::json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

}  // namespace

int report_error(const Error& e) {
  std::cerr << "error: " << e.code << ": " << e.message << "\n";
  return 1;
}

Result<ledger::TrustAnchor> load_trust_anchor(const std::string& path) {
  auto text = read_file(path, ledger::limits::kMaxGenesisBytes);
  if (!text.ok()) return make_error("bad_genesis", text.error().message);
  auto genesis = ledger::parse_genesis(*text);
  if (!genesis.ok()) return make_error("bad_genesis", path + ": " + genesis.error().message);
  auto anchor = ledger::make_trust_anchor(*genesis);
  if (!anchor.ok()) return make_error("bad_genesis", path + ": " + anchor.error().message);
  return anchor;
}

Result<ledger::TrustAnchor> offline_trust_anchor(const Globals& g, const std::string& flag) {
  const std::string& path = flag.empty() ? g.genesis_file : flag;
  if (path.empty()) {
    return make_error("bad_genesis", "give the network's genesis with --genesis FILE");
  }
  return load_trust_anchor(path);
}

Result<client::NodeClient> make_client(const Globals& g, const std::string& signer_dir) {
  if (g.ca_file.empty()) {
    return make_error("bad_ca", "give the network root CA with --ca FILE or $REGLEDGER_CA");
  }
  auto ca = read_file(g.ca_file, 1024 * 1024);
  if (!ca.ok()) return make_error("bad_ca", ca.error().message);
  client::NodeClientConfig cfg;
  cfg.urls = g.nodes;
  cfg.ca_pem = *ca;
  cfg.timeout_ms = g.timeout_ms;
  cfg.on_fault = warn_fault;
  RL_ASSIGN_OR_RETURN(auto c, client::NodeClient::create(cfg));
  if (!g.genesis_file.empty()) {
    RL_ASSIGN_OR_RETURN(auto anchor, load_trust_anchor(g.genesis_file));
    c.set_trust_anchor(std::move(anchor));
  }
  if (g.identity_dir.empty() && !signer_dir.empty()) {
    Globals as_signer = g;
    as_signer.identity_dir = signer_dir;
    RL_TRY(attach_session(as_signer, c));
  } else {
    RL_TRY(attach_session(g, c));
  }
  return c;
}

void note_verified(const std::string& what, const std::string& url) {
  std::cerr << "verified against genesis: " << what << ", served by " << url << "\n";
}

Result<client::Identity> load_signer(const std::string& dir) {
  return client::load_identity(dir);
}

Result<std::pair<std::string, std::uint64_t>> chain_position(client::NodeClient& c) {
  RL_ASSIGN_OR_RETURN(auto st, c.status());
  // Typed reads: a mistyped field from a node must be an error, not an exception.
  if (!st.is_object() || !st.contains("chain_id") || !st["chain_id"].is_string() ||
      !st.contains("height") || !st["height"].is_number_unsigned()) {
    return make_error("bad_response", c.current_url() + ": status lacks chain_id/height");
  }
  return std::make_pair(st["chain_id"].get<std::string>(), st["height"].get<std::uint64_t>());
}

int submit_and_report(Globals& g, client::NodeClient& c, const Bytes& tx, bool wait,
                      const std::string& receipt_out, const std::string& what) {
  auto id = c.submit(tx);
  if (!id.ok()) return report_error(id.error());
  if (!g.json_output) std::cout << what << " submitted tx_id=" << *id << "\n";
  if (!wait && receipt_out.empty()) {
    if (g.json_output) std::cout << nlohmann::json{{"tx_id", *id}, {"status", "pending"}} << "\n";
    return 0;
  }
  auto committed = c.wait_committed(*id, std::chrono::milliseconds(g.timeout_ms * 3));
  if (!committed.ok()) return report_error(committed.error());
  if (!c.has_trust_anchor()) {
    // Without genesis the node's word is all there is: print and save what it says.
    if (g.json_output) {
      std::cout << committed->dump() << "\n";
    } else {
      std::cout << what << " committed height=" << uint_or_zero(*committed, "height")
                << " index=" << uint_or_zero(*committed, "index") << "\n";
    }
    if (!receipt_out.empty()) {
      auto text = c.receipt_text(*id);
      if (!text.ok()) return report_error(text.error());
      auto w = write_file(receipt_out, *text);
      if (!w.ok()) return report_error(w.error());
      if (!g.json_output) std::cout << "receipt saved to " << receipt_out << "\n";
    }
    return 0;
  }
  // With genesis, "committed" is only reported once a receipt proves it; what is printed and
  // saved is the verified receipt, not the node's status answer.
  auto v = c.verified_receipt(*id);
  if (!v.ok()) return report_error(v.error());
  if (!receipt_out.empty()) {
    auto w = write_file(receipt_out, v->receipt_json);
    if (!w.ok()) return report_error(w.error());
  }
  if (g.json_output) {
    nlohmann::json out{{"tx_id", *id},
                       {"status", "committed"},
                       {"height", v->verified.height},
                       {"index", v->receipt.index},
                       {"block_hash", v->verified.block_hash_hex},
                       {"commit_signatures", v->verified.commit_signatures},
                       {"verified_by", v->url}};
    if (!receipt_out.empty()) out["receipt"] = receipt_out;
    std::cout << out.dump() << "\n";
  } else {
    std::cout << what << " committed height=" << v->verified.height << " index=" << v->receipt.index
              << " (verified against genesis: " << v->verified.commit_signatures
              << " commit signature(s); receipt served by " << v->url << ")\n";
    if (!receipt_out.empty()) std::cout << "verified receipt saved to " << receipt_out << "\n";
  }
  return 0;
}

int submit_signed(Globals& g, const std::string& as_dir,
                  const std::function<client::Fill(std::uint64_t)>& fill_at,
                  const std::string& what, bool wait) {
  auto signer = load_signer(as_dir);
  if (!signer.ok()) return report_error(signer.error());
  auto c = make_client(g, as_dir);
  if (!c.ok()) return report_error(c.error());
  auto pos = chain_position(*c);
  if (!pos.ok()) return report_error(pos.error());
  auto tx = client::build_signed_tx(*signer, pos->first, pos->second, fill_at(pos->second));
  if (!tx.ok()) return report_error(tx.error());
  return submit_and_report(g, *c, *tx, wait, "", what);
}

int submit_signed(Globals& g, const std::string& as_dir, const client::Fill& fill,
                  const std::string& what, bool wait) {
  return submit_signed(
      g, as_dir, [&](std::uint64_t) { return fill; }, what, wait);
}

}  // namespace rl::cli
