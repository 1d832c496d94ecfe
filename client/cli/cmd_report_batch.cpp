// regledger report submit-batch: many report files of one template and period (a bank's daily
// filing, a directory of branch returns) checked locally, signed, and sent in a few
// POST /v1/txs/batch requests instead of one HTTPS round trip each, with a result per file.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/cli/context.hpp"
#include "client/lib/report_check.hpp"
#include "client/lib/tx_builder.hpp"
#include "common/file_io.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/limits.hpp"
#include "ledger/tx_batch.hpp"

namespace rl::cli {
namespace {

// Requests stay under the node's default body limit (api.max_body_bytes, 1 MiB).
constexpr std::size_t kMaxRequestBytes = 768 * 1024;

struct BatchOpts {
  std::string as, template_id, period, table;
  std::vector<std::string> files;
  bool wait = false, no_check = false;
};

struct FileResult {
  std::string file;
  std::string tx_id;  // "" when refused
  std::string error;  // "code: message" when refused
};

// The file's stem as a batch label: [A-Za-z0-9._-], at most 64 bytes.
std::string batch_label(const std::string& file) {
  std::string stem = std::filesystem::path(file).stem().string();
  for (char& ch : stem) {
    if (!ledger::valid_id(std::string_view(&ch, 1))) ch = '_';
  }
  if (stem.size() > ledger::limits::kMaxIdBytes) stem.resize(ledger::limits::kMaxIdBytes);
  return stem.empty() ? "file" : stem;
}

int submit_batch(Globals& g, const BatchOpts& o) {
  auto signer = load_signer(o.as);
  if (!signer.ok()) return report_error(signer.error());
  auto c = make_client(g, o.as);
  if (!c.ok()) return report_error(c.error());
  auto pos = chain_position(*c);
  if (!pos.ok()) return report_error(pos.error());
  auto t = client::fetch_template(*c, o.template_id);
  if (!t.ok()) return report_error(t.error());

  std::vector<FileResult> results;
  std::vector<Bytes> txs;
  std::vector<std::size_t> tx_file;  // index into results
  for (const auto& file : o.files) {
    FileResult fr{file, "", ""};
    const std::string ct = client::content_type_for(file, o.table);
    if (!o.no_check) {
      auto r = client::check_report_file(*t, file, ct);
      if (!r.ok()) {
        fr.error = r.error().code + ": " + r.error().message;
      } else if (!r->ok()) {
        fr.error = "refused locally: " + std::to_string(r->error_count) +
                   " errors, first: " + ledger::format_cell_error(r->errors.front());
      }
    }
    auto payload = fr.error.empty() ? read_file(file, ledger::limits::kMaxReportPayloadBytes)
                                    : Result<std::string>(make_error("skipped", ""));
    if (fr.error.empty() && !payload.ok())
      fr.error = payload.error().code + ": " + payload.error().message;
    if (fr.error.empty()) {
      auto tx =
          client::build_signed_tx(*signer, pos->first, pos->second, [&](ledger::pb::TxBody& b) {
            auto* p = b.mutable_submit_report();
            p->set_template_id(o.template_id);
            p->set_period(o.period);
            p->set_batch(batch_label(file));
            p->set_content_type(ct);
            p->set_payload(*payload);
          });
      if (!tx.ok()) {
        fr.error = tx.error().code + ": " + tx.error().message;
      } else {
        txs.push_back(std::move(*tx));
        tx_file.push_back(results.size());
      }
    }
    results.push_back(std::move(fr));
  }

  // Send in as few requests as the limits allow; each tx gets its own verdict.
  std::size_t sent = 0, requests = 0;
  while (sent < txs.size()) {
    std::vector<Bytes> chunk;
    std::size_t bytes = 0;
    while (sent + chunk.size() < txs.size() && chunk.size() < ledger::kMaxBatchTxs &&
           (chunk.empty() || bytes + txs[sent + chunk.size()].size() + 4 <= kMaxRequestBytes)) {
      bytes += txs[sent + chunk.size()].size() + 4;
      chunk.push_back(txs[sent + chunk.size()]);
    }
    auto answer = c->submit_batch(chunk);
    ++requests;
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      auto& fr = results[tx_file[sent + i]];
      if (!answer.ok()) {
        fr.error = answer.error().code + ": " + answer.error().message;
        continue;
      }
      const auto& one = (*answer)[i];
      if (one.contains("tx_id")) {
        fr.tx_id = one["tx_id"].get<std::string>();
      } else {
        fr.error = one["error"].value("code", "") + ": " + one["error"].value("message", "");
      }
    }
    sent += chunk.size();
    if (!g.json_output) {
      std::cerr << "sent " << sent << " of " << txs.size() << " in " << requests << " request"
                << (requests == 1 ? "" : "s") << "\n";
    }
  }
  if (o.wait) {
    for (auto& fr : results) {
      if (fr.tx_id.empty()) continue;
      auto w = c->wait_committed(fr.tx_id, std::chrono::milliseconds(g.timeout_ms * 3));
      if (!w.ok()) fr.error = "not committed: " + w.error().message;
    }
  }

  std::size_t ok = 0;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& fr : results) {
    const bool good = !fr.tx_id.empty() && fr.error.empty();
    ok += good;
    if (g.json_output) {
      nlohmann::json row = {{"file", fr.file}};
      if (!fr.tx_id.empty()) row["tx_id"] = fr.tx_id;
      if (!fr.error.empty()) row["error"] = fr.error;
      out.push_back(row);
    } else {
      const auto first_line = fr.error.substr(0, fr.error.find('\n'));
      std::cout << (good ? "ok      " : "REFUSED ") << fr.file << "  "
                << (good ? fr.tx_id : first_line) << "\n";
    }
  }
  if (g.json_output) {
    std::cout << nlohmann::json{{"results", out}, {"submitted", ok}, {"requests", requests}}.dump(2)
              << "\n";
  } else {
    std::cout << ok << " of " << results.size() << " reports "
              << (o.wait ? "committed" : "accepted") << " in " << requests << " request"
              << (requests == 1 ? "" : "s") << "\n";
  }
  return ok == results.size() ? 0 : 1;
}

}  // namespace

void add_batch_command(CLI::App& rep, Globals& g) {
  auto o = std::make_shared<BatchOpts>();
  auto* cmd = rep.add_subcommand(
      "submit-batch",
      "Submit many report files of one template and period (e.g. dir/*.csv): each is checked "
      "locally, signed, and sent in batched requests (POST /v1/txs/batch), with a result per "
      "file; the file name (stem) becomes the report's batch label. Exit 1 if any is refused");
  cmd->add_option("files", o->files, "Report files (.json, or .csv for table templates)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--as", o->as, "Identity directory of the reporting account")->required();
  cmd->add_option("--template", o->template_id, "Report template id")->required();
  cmd->add_option("--period", o->period, "Reporting period")->required();
  cmd->add_option("--table", o->table, "For CSV files of a template with several tables");
  cmd->add_flag("--no-check", o->no_check, "Send without checking locally first");
  cmd->add_flag("--wait", o->wait, "Wait until every accepted report is committed");
  cmd->callback([o, &g] { g.exit_code = submit_batch(g, *o); });
}

}  // namespace rl::cli
