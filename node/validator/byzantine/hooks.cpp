#include "node/validator/byzantine/hooks.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "node/validator/byzantine/swallow.hpp"

namespace rl::node::byzantine {
namespace {

// Set once by start(), before the shell thread runs anything else.
std::optional<Behaviour>& behaviour() {
  static std::optional<Behaviour> b;
  return b;
}

}  // namespace

Status start() {
  auto settings =
      parse_settings(std::getenv("REGLEDGER_BYZANTINE"), std::getenv("REGLEDGER_BYZANTINE_SEED"));
  if (!settings.ok()) return settings.error();
  spdlog::critical(
      "BYZANTINE TEST BUILD: this validator misbehaves on purpose and must never run in a real "
      "network modes={} seed={}",
      settings->modes_text(), settings->seed);
  behaviour().emplace(*settings);
  set_swallowing(settings->enabled(Mode::kSwallowTxs));
  return {};
}

std::optional<ledger::PreparedBlock> plan_proposal(ledger::Chain& chain,
                                                   const ledger::PreparedBlock& block,
                                                   consensus::Round round, bool compact) {
  if (!behaviour()) return std::nullopt;
  return behaviour()->plan_proposal(chain, block, round, compact);
}

bool send(const consensus::Message& m, const Voice& voice) {
  return behaviour() && behaviour()->send(m, voice);
}

void lie(::regledger::v1::PeerStatus& status) {
  if (behaviour()) behaviour()->lie(status);
}

void connected(const std::string& peer) {
  if (behaviour()) behaviour()->connected(peer);
}

bool answer_sync(const std::string& peer, ::regledger::v1::SyncResponse& response) {
  return !behaviour() || behaviour()->answer_sync(peer, response);
}

void log_summary() {
  if (behaviour()) behaviour()->log_summary(true);
}

}  // namespace rl::node::byzantine
