#include "client/lib/tx_builder.hpp"

#include <google/protobuf/util/json_util.h>

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "crypto/symmetric.hpp"
#include "ledger/masking.hpp"

namespace rl::client {
namespace {

Error bad_argument(const std::string& what) {
  return make_error("bad_argument", what);
}

// A decimal number in [0, 99] occupying all of `s`.
std::optional<std::uint32_t> small_number(std::string_view s) {
  std::uint32_t v = 0;
  if (s.empty() || s.size() > 2) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > 99) return std::nullopt;
  return v;
}

}  // namespace

std::uint64_t random_nonce() {
  // Random rather than sequential: concurrent clients of one account never collide, and the
  // ledger only requires (signer, nonce) to be unique.
  return read_u64_be(crypto::random_bytes(8)) >> 1;
}

Result<Bytes> build_signed_tx(const Identity& id, const std::string& chain_id,
                              std::uint64_t current_height, const Fill& fill,
                              std::uint64_t expiry_blocks) {
  ledger::pb::TxBody body;
  body.set_chain_id(chain_id);
  body.set_nonce(random_nonce());
  body.set_expires_at_height(current_height + expiry_blocks);
  body.set_signer(id.account);
  fill(body);
  return ledger::sign_tx(body, id.key, id.cert_id);
}

Fill revoke_certificate(ByteView cert_id, const std::string& reason) {
  std::string id = to_string(cert_id);
  return [id, reason](ledger::pb::TxBody& b) {
    auto* p = b.mutable_revoke_certificate();
    p->set_cert_id(id);
    p->set_reason(reason);
  };
}

Fill suspend_account(const std::string& account, bool suspend, const std::string& reason) {
  return [=](ledger::pb::TxBody& b) {
    auto* p = b.mutable_suspend_account();
    p->set_account_id(account);
    p->set_suspend(suspend);
    p->set_reason(reason);
  };
}

Fill propose(const std::string& proposal_id, std::uint64_t expires_at_height,
             ledger::pb::Propose proposal) {
  proposal.set_proposal_id(proposal_id);
  proposal.set_expires_at_height(expires_at_height);
  return
      [proposal = std::move(proposal)](ledger::pb::TxBody& b) { *b.mutable_propose() = proposal; };
}

Fill approve(const std::string& proposal_id) {
  return
      [proposal_id](ledger::pb::TxBody& b) { b.mutable_approve()->set_proposal_id(proposal_id); };
}

Result<ledger::pb::SetPermissionMapping> parse_mapping_spec(std::string_view spec) {
  std::array<std::optional<std::uint32_t>, 100> table{};
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    std::size_t comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return bad_argument("mapping item '" + std::string(item) + "' is not LEVEL=MAX");
    }
    std::string_view levels = item.substr(0, eq);
    std::size_t dash = levels.find('-');
    auto lo = small_number(levels.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : small_number(levels.substr(dash + 1));
    auto max = small_number(item.substr(eq + 1));
    if (!lo || !hi || *lo > *hi) {
      return bad_argument("mapping item '" + std::string(item) +
                          "': levels are 00-99, or a range LO-HI");
    }
    if (!max) {
      return bad_argument("mapping item '" + std::string(item) + "': data levels are 0-99");
    }
    for (std::uint32_t l = *lo; l <= *hi; ++l) table[l] = *max;
  }
  ledger::pb::SetPermissionMapping out;
  std::string missing;
  for (std::size_t l = 0; l < table.size(); ++l) {
    if (!table[l]) {
      if (!missing.empty()) missing += ",";
      missing += std::to_string(l);
    }
    out.add_max_data_level(table[l].value_or(0));
  }
  if (!missing.empty()) {
    return bad_argument("the mapping replaces the whole table; level(s) " + missing +
                        " are not set (start with 00-99=N for a default)");
  }
  return out;
}

}  // namespace rl::client
