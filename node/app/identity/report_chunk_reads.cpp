#include "node/app/identity/report_chunk_reads.hpp"

#include "ledger/committed_record.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/state_keys.hpp"
#include "node/http/query.hpp"

namespace rl::node::identity {

namespace {

struct ChunkedReport {
  ledger::pb::ReportRecord report;
  ledger::pb::ReportChunksRecord list;
};

// The report and its chunk list, when the reader may read the report.
Result<ChunkedReport> readable_chunked_report(const ledger::Chain& chain,
                                              const OptionalReader& reader,
                                              const std::string& report_id) {
  RL_TRY(check_output_permission(reader));
  auto not_found = [] { return make_error("report_not_found", "no such report"); };
  if (!ledger::valid_report_id(report_id)) return not_found();
  RL_ASSIGN_OR_RETURN(auto report, chain.report(report_id));
  if (!report || !may_read_report(reader, *report)) return not_found();
  if (report->chunk_count() == 0) {
    return make_error("bad_request", "report " + report_id +
                                         " is not a chunked dataset: its payload is in its "
                                         "transaction (GET /v1/txs/" +
                                         report_id + ")");
  }
  RL_ASSIGN_OR_RETURN(auto list, ledger::load_committed<ledger::pb::ReportChunksRecord>(
                                     chain, ledger::keys::report_chunks(report_id)));
  if (!list || list->data_hashes_size() != static_cast<int>(report->chunk_count()) ||
      list->sizes_size() != list->data_hashes_size()) {
    return make_error("state_corrupt", "chunk list of report " + report_id);
  }
  return ChunkedReport{std::move(*report), std::move(*list)};
}

}  // namespace

Result<ledger::pb::ReportChunksRecord> report_chunk_list(const ledger::Chain& chain,
                                                         const OptionalReader& reader,
                                                         const std::string& report_id) {
  RL_ASSIGN_OR_RETURN(auto r, readable_chunked_report(chain, reader, report_id));
  return std::move(r.list);
}

Result<std::string> report_chunk_data(const ledger::Chain& chain, const OptionalReader& reader,
                                      const std::string& report_id, std::string_view index) {
  RL_ASSIGN_OR_RETURN(auto r, readable_chunked_report(chain, reader, report_id));
  const auto& list = r.list;
  const auto parsed = index.size() <= 6 ? http::parse_u64(index) : std::nullopt;
  if (!parsed) return make_error("bad_request", "a chunk index is a number from 0");
  const std::size_t i = *parsed;
  if (i >= static_cast<std::size_t>(list.data_hashes_size())) {
    return make_error("not_found", "report " + report_id + " has " +
                                       std::to_string(list.data_hashes_size()) + " chunks");
  }
  RL_ASSIGN_OR_RETURN(auto raw,
                      chain.state_value(ledger::keys::chunk_data(
                          r.report.org_id(), as_bytes(list.data_hashes(static_cast<int>(i))))));
  if (!raw) return make_error("state_corrupt", "chunk " + std::to_string(i) + " data is missing");
  return to_string(*raw);
}

Result<ledger::pb::ReportChunkRecord> own_chunk(const ledger::Chain& chain,
                                                const OptionalReader& reader,
                                                std::string_view chunk_id_hex) {
  if (!reader) {
    return make_error("session_required",
                      "log in: chunks are looked up in the reader's organization");
  }
  auto id = from_hex(chunk_id_hex);
  if (!id.ok() || id->size() != 32) {
    return make_error("bad_request", "a chunk id is 64 hex digits");
  }
  RL_ASSIGN_OR_RETURN(auto rec, ledger::load_committed<ledger::pb::ReportChunkRecord>(
                                    chain, ledger::keys::report_chunk(reader->principal.org, *id)));
  // An input-only account learns of its own uploads only, as with its own submissions.
  if (!rec ||
      (rec->submitter() != reader->principal.account && !reader->principal.permission.output)) {
    return make_error("not_found", "no chunk " + std::string(chunk_id_hex));
  }
  return std::move(*rec);
}

}  // namespace rl::node::identity
