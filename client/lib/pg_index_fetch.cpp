#include "client/lib/pg_index_fetch.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include "api/query_string.hpp"
#include "api/routes.hpp"
#include "crypto/x509.hpp"
#include "ledger/tx.hpp"

namespace rl::client::pg {

using api::Route;
namespace {

using nlohmann::json;

// Typed reads of a node's answer: a missing or mistyped field is an answer that does not
// verify, never an exception.
struct Fields {
  const json& j;
  bool ok = true;
  std::string str(const char* k) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_string()) {
      ok = false;
      return {};
    }
    return it->get<std::string>();
  }
  template <typename T>
  T num(const char* k) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_integer()) {
      ok = false;
      return T{};
    }
    return it->get<T>();
  }
  bool flag(const char* k) {
    auto it = j.find(k);
    if (it == j.end() || !it->is_boolean()) {
      ok = false;
      return false;
    }
    return it->get<bool>();
  }
};

Result<ReportRow> report_row(const json& j) {
  if (!j.is_object()) return make_error("bad_report", "report answer is not an object");
  Fields r{j};
  ReportRow row;
  row.report_id = r.str("report_id");
  row.org_id = r.str("org");
  row.submitter = r.str("submitter");
  row.template_id = r.str("template");
  row.period = r.str("period");
  row.batch = r.str("batch");
  row.payload_hash = r.str("payload_hash");
  row.corrects = r.str("corrects");
  row.first_version = r.str("first_version");
  row.template_version = r.num<std::uint32_t>("template_version");
  row.data_level = r.num<std::uint32_t>("data_level");
  row.tx_index = r.num<std::uint32_t>("tx_index");
  row.version = r.num<std::uint32_t>("version");
  row.chunks = r.num<std::uint32_t>("chunks");
  row.height = r.num<std::uint64_t>("height");
  row.size = r.num<std::uint64_t>("size");
  row.submitted_at_ms = r.num<std::int64_t>("submitted_at_ms");
  row.deadline_ms = r.num<std::int64_t>("deadline_ms");
  row.late = r.flag("late");
  row.sealed = r.flag("sealed");
  if (!r.ok) return make_error("bad_report", "report answer lacks a field or mistypes one");
  return row;
}

// The report's status changes recorded at `height`, numbered by their place in its history.
Result<std::vector<HistoryRow>> history_at(const json& report, const std::string& report_id,
                                           std::uint64_t height) {
  std::vector<HistoryRow> out;
  auto it = report.find("history");
  if (it == report.end() || !it->is_array()) {
    return make_error("bad_report", "report answer has no history");
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    if (!e.is_object()) return make_error("bad_report", "history entry is not an object");
    Fields r{e};
    HistoryRow h;
    h.report_id = report_id;
    h.seq = static_cast<std::uint32_t>(i);
    h.status = r.str("status");
    h.by_account = r.str("by");
    h.height = r.num<std::uint64_t>("height");
    h.time_ms = r.num<std::int64_t>("time_ms");
    auto reasons = e.find("reasons");
    if (reasons == e.end() || !reasons->is_array()) r.ok = false;
    if (!r.ok) return make_error("bad_report", "history entry lacks a field");
    for (const auto& x : *reasons) {
      if (!x.is_string()) return make_error("bad_report", "a reason is not a string");
      h.reasons.push_back(x.get<std::string>());
    }
    if (h.height == height) out.push_back(std::move(h));
  }
  return out;
}

// Whether a failed verified read caught a node lying (a refusal), rather than finding no node
// able to answer yet (retried).
bool any_lie(const std::vector<NodeFault>& faults) {
  return std::any_of(faults.begin(), faults.end(), [](const NodeFault& f) { return f.lying(); });
}

TxRow tx_row(const ledger::DecodedTx& d, std::uint32_t index, const char* proof) {
  return TxRow{to_hex(d.id),
               index,
               d.body.signer(),
               d.body.nonce(),
               d.body.expires_at_height(),
               std::string(ledger::payload_name(d.body)),
               proof};
}

}  // namespace

Error BlockSource::refused(std::uint64_t height, const std::string& why) const {
  return make_error("block_refused", "block " + std::to_string(height) + ": " + why);
}

Result<std::uint64_t> BlockSource::head() {
  auto st = c_.status();
  if (!st.ok()) return make_error("not_ready", st.error().to_string());
  auto it = st->find("height");
  if (!st->is_object() || it == st->end() || !it->is_number_unsigned()) {
    return make_error("not_ready", c_.current_url() + ": status carries no height");
  }
  return it->get<std::uint64_t>();
}

Result<std::vector<BlockSource::Event>> BlockSource::events_at(std::uint64_t height) {
  if (height > events_through_) {
    // One answer covers up to 100 heights (node/app/identity/report_events.hpp); events below
    // `height` are already written.
    events_.clear();
    auto body =
        c_.get_bytes(api::route_path<Route::kEvents>() +
                     api::QueryString().add("stream", "reports").add("after", height - 1).str());
    if (!body.ok()) return body.error();
    std::istringstream in(*body);
    std::string line, type;
    std::uint64_t id = 0, through = height - 1;
    while (std::getline(in, line)) {
      if (line.rfind("id: ", 0) == 0) {
        id = std::strtoull(line.c_str() + 4, nullptr, 10);
      } else if (line.rfind("event: ", 0) == 0) {
        type = line.substr(7);
      } else if (line.rfind("data: ", 0) == 0) {
        auto j = json::parse(line.substr(6), nullptr, false);
        if (type == "caught-up") {
          through = std::max(through, id);
        } else if (type == "report") {
          if (!j.is_object()) return refused(id, "a report event is not a JSON object");
          Fields r{j};
          Event e{r.str("report_id"), r.str("status")};
          if (!r.ok) return refused(id, "a report event lacks its report id or status");
          events_[id].push_back(std::move(e));
        }
      }
    }
    events_through_ = through;
    if (events_through_ < height) {
      return make_error("not_ready", c_.current_url() + " has no report events for block " +
                                         std::to_string(height) + " yet");
    }
  }
  auto it = events_.find(height);
  return it == events_.end() ? std::vector<Event>() : it->second;
}

Status BlockSource::add_txs(BlockRows& rows, const std::vector<Bytes>& txs) {
  const auto* anchor = c_.trust_anchor();
  const auto h = rows.header.height;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    auto d = ledger::decode_tx(anchor->suite, txs[i]);
    if (!d.ok()) return refused(h, "a transaction does not decode");
    const auto& b = d->body;
    const std::string id = to_hex(d->id);
    rows.txs.push_back(tx_row(*d, static_cast<std::uint32_t>(i), "block"));
    if (b.has_submit_report()) submissions_[id] = {b.signer(), b.submit_report()};
    // Every transaction in a block executed successfully (decision 0030): its effects are
    // the ledger's.
    if (b.has_register_organization()) {
      const auto& p = b.register_organization();
      rows.orgs.push_back({p.org_id(), p.name(), p.kind(), id});
    } else if (b.has_register_account()) {
      const auto& p = b.register_account();
      rows.accounts.push_back(
          {p.account_id(), p.org_id(), p.role(), p.permission_code(), p.department(), id});
    } else if (b.has_bind_certificate()) {
      const auto& p = b.bind_certificate();
      auto cert = crypto::Certificate::from_der(as_bytes(p.certificate_der()));
      if (!cert.ok()) return refused(h, "a bound certificate does not decode");
      const auto subject = cert->subject();
      rows.certificates.push_back({to_hex(cert->id(anchor->suite)), p.account_id(),
                                   subject.common_name, subject.organization, id,
                                   cert->not_before(), cert->not_after()});
    } else if (b.has_revoke_certificate()) {
      const auto& p = b.revoke_certificate();
      rows.revocations.push_back({to_hex(as_bytes(p.cert_id())), p.reason(), id});
    } else if (b.has_review_report()) {
      rows.reviewed_ids.push_back(b.review_report().report_id());
    } else if (b.has_suspend_account()) {
      const auto& p = b.suspend_account();
      rows.suspensions.push_back({id, p.account_id(), p.reason(), b.signer(), p.suspend()});
    }
  }
  return {};
}

Status BlockSource::add_report_events(BlockRows& rows, const std::vector<Event>& events) {
  const auto h = rows.header.height;
  std::set<std::string> with_history;
  for (const auto& e : events) {
    if (e.report_id.size() != 64 || !from_hex(e.report_id).ok()) {
      return refused(h, "a report event names no report id");
    }
    auto j = c_.get_json(api::route_path<Route::kReport>(e.report_id));
    if (!j.ok()) return make_error("not_ready", "report " + e.report_id + ": " + j.error().message);
    if (with_history.insert(e.report_id).second) {
      auto hist = history_at(*j, e.report_id, h);
      if (!hist.ok()) return refused(h, "report " + e.report_id + ": " + hist.error().message);
      if (hist->empty()) {
        return refused(h, "report " + e.report_id + " records no status change at this height");
      }
      for (auto& x : *hist) rows.history.push_back(std::move(x));
    }
    if (e.status != "SUBMITTED") {
      if (e.status != "ACCEPTED" && e.status != "REJECTED") {
        return refused(h, "report event with status " + e.status);
      }
      // A review is a regulator's transaction; when the block is readable, it must be there.
      if (rows.txs_visible && std::find(rows.reviewed_ids.begin(), rows.reviewed_ids.end(),
                                        e.report_id) == rows.reviewed_ids.end()) {
        return refused(h, "a review event of " + e.report_id + " but no such review in the block");
      }
      auto row = report_row(*j);
      if (!row.ok() || row->report_id != e.report_id || row->height >= h) {
        return refused(h, "report " + e.report_id + " does not answer as a reviewed report");
      }
      rows.reviews.push_back({e.report_id, e.status, std::move(row).value()});
      continue;
    }
    auto row = report_row(*j);
    if (!row.ok()) return refused(h, "report " + e.report_id + ": " + row.error().message);
    if (row->report_id != e.report_id || row->height != h) {
      return refused(h, "report " + e.report_id + " is not the submission in this block");
    }
    // The report is its submission transaction (report id = tx id): it must be in the block at
    // the report's tx_index, proven by the block's tx list or by the transaction's receipt.
    if (rows.txs_visible) {
      if (row->tx_index >= rows.txs.size() || rows.txs[row->tx_index].tx_id != e.report_id ||
          rows.txs[row->tx_index].payload != "submit_report") {
        return refused(h, "report " + e.report_id + " is not at its tx_index in the block");
      }
    } else {
      auto v = c_.verified_receipt(e.report_id);
      if (!v.ok()) return refused(h, "report " + e.report_id + ": " + v.error().message);
      if (v->verified.block_hash_hex != rows.header.block_hash_hex ||
          v->receipt.index != row->tx_index) {
        return refused(h, "the receipt of report " + e.report_id + " is for another block");
      }
      auto d = ledger::decode_tx(c_.trust_anchor()->suite, v->receipt.tx);
      if (!d.ok()) return refused(h, "a receipt's transaction does not decode");
      rows.txs.push_back(tx_row(*d, v->receipt.index, "receipt"));
      if (d->body.has_submit_report()) {
        submissions_[e.report_id] = {d->body.signer(), d->body.submit_report()};
      }
    }
    // What the node says about the report must be what the proven transaction says.
    auto sub = submissions_.find(e.report_id);
    if (sub == submissions_.end()) {
      return refused(h, "report " + e.report_id + " has no submission in the block");
    }
    const auto& [signer, p] = sub->second;
    if (row->submitter != signer || row->template_id != p.template_id() ||
        row->period != p.period() || row->batch != p.batch() || row->corrects != p.corrects() ||
        row->sealed != p.has_seal()) {
      return refused(h, "report " + e.report_id + " does not match its submission transaction");
    }
    rows.new_reports.push_back(std::move(row).value());
  }
  return {};
}

Result<BlockRows> BlockSource::fetch(std::uint64_t height, const std::string& prev_hash_hex) {
  BlockRows rows;
  submissions_.clear();
  auto header = c_.verified_header(height);
  if (!header.ok()) {
    if (any_lie(c_.last_faults())) {
      return refused(height,
                     "its header or commit certificate does not verify against the genesis "
                     "file: " +
                         header.error().message);
    }
    return make_error("not_ready", header.error().message);
  }
  if (header->prev_block_hash_hex != prev_hash_hex) {
    return refused(height, "its prev_block_hash " + header->prev_block_hash_hex +
                               " is not the hash of the block below it in the index, " +
                               prev_hash_hex);
  }
  rows.header = std::move(header).value();
  auto txs = c_.verified_block_txs(rows.header);
  if (!txs.ok()) {
    if (any_lie(c_.last_faults())) return refused(height, txs.error().message);
    return make_error("not_ready", txs.error().message);
  }
  if (*txs) {
    rows.txs_visible = true;
    RL_TRY(add_txs(rows, **txs));
  }
  RL_ASSIGN_OR_RETURN(auto events, events_at(height));
  RL_TRY(add_report_events(rows, events));
  return rows;
}

}  // namespace rl::client::pg
