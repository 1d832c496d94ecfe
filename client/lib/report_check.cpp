#include "client/lib/report_check.hpp"

#include <filesystem>
#include <fstream>

#include "api/routes.hpp"
#include "common/file_io.hpp"
#include "ledger/limits.hpp"
#include "ledger/report_template.hpp"

namespace rl::client {

using api::Route;
namespace {

constexpr std::size_t kReadChunk = 1 << 20;
// A JSON payload is parsed whole; above the ledger's inline limit it could not be sent anyway.
constexpr std::size_t kMaxJsonFileBytes = 64 * 1024 * 1024;

}  // namespace

Result<ledger::pb::TemplateRecord> fetch_template(NodeClient& c, const std::string& id) {
  RL_ASSIGN_OR_RETURN(auto j, c.get_json(api::route_path<Route::kTemplate>(id)));
  if (!j.contains("template") || !j["template"].is_object()) {
    return make_error("bad_response", "the node's template answer has no template");
  }
  RL_ASSIGN_OR_RETURN(auto def, ledger::parse_template_json(j["template"].dump()));
  return ledger::template_record(def, j.value("version", 0u), j.value("updated_height", 0ull));
}

Result<ledger::pb::TemplateRecord> template_from_file(const std::string& path) {
  RL_ASSIGN_OR_RETURN(auto text, read_file(path, ledger::limits::kMaxTemplateJsonBytes));
  RL_ASSIGN_OR_RETURN(auto def, ledger::parse_template_json(text));
  RL_TRY(ledger::check_template_definition(def));
  return ledger::template_record(def, 0, 0);
}

std::string content_type_for(const std::string& path, const std::string& table) {
  const auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".csv" || ext == ".CSV") {
    return table.empty() ? "text/csv" : "text/csv; table=" + table;
  }
  return "application/json";
}

Result<ledger::CheckResult> check_report_file(const ledger::pb::TemplateRecord& t,
                                              const std::string& path,
                                              const std::string& content_type,
                                              const CheckProgress& progress) {
  std::error_code ec;
  const auto total = std::filesystem::file_size(path, ec);
  if (ec) return make_error("io_error", path + ": " + ec.message());
  if (t.schema().empty() || content_type == "application/json") {
    RL_ASSIGN_OR_RETURN(auto text, read_file(path, kMaxJsonFileBytes));
    ledger::CheckResult r;
    if (!t.schema().empty()) {
      auto schema = ledger::parse_table_schema(t.schema());
      if (!schema.ok()) return schema.error();
      r = ledger::check_payload(*schema, content_type, text);
    } else if (auto st = ledger::check_report_content(t, content_type, text); !st.ok()) {
      r.error_count = 1;
      r.errors.push_back({"", 0, "", st.error().message});
    }
    if (progress) progress(total, total);
    return r;
  }
  RL_ASSIGN_OR_RETURN(auto schema, ledger::parse_table_schema(t.schema()));
  auto table = ledger::csv_table_of(schema, content_type);
  if (!table || table->empty()) {
    return make_error("bad_argument",
                      "template " + t.template_id() +
                          " has several tables: name the CSV's with --table (one of its tables)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("io_error", "cannot open " + path);
  ledger::CsvTableChecker checker(schema, *table);
  std::string buf(kReadChunk, '\0');
  std::uint64_t done = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    checker.feed(std::string_view(buf.data(), n));
    done += n;
    if (progress) progress(done, total);
  }
  return checker.finish();
}

}  // namespace rl::client
