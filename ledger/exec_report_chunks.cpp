// Large CSV datasets (ledger/report_chunks.hpp, docs/reporting.md "Large files"): a
// StoreReportChunk stores and checks one chunk; a SubmitReport listing chunk ids completes the
// report once each is committed.
#include "crypto/hash.hpp"
#include "ledger/exec_internal.hpp"
#include "ledger/report_chunks.hpp"
#include "ledger/report_template.hpp"
#include "ledger/state_keys.hpp"

namespace rl::ledger::exec {
namespace {

// The table a template's CSV is, or the error a submission gets when it has none.
Result<std::string> csv_table(const TableSchema& schema, const pb::TemplateRecord& t,
                              std::string_view content_type) {
  auto table = csv_table_of(schema, content_type);
  if (!table || table->empty()) {
    return make_error("bad_field", "template " + t.template_id() +
                                       " has no such CSV table: a chunked dataset is one table of "
                                       "a template (text/csv or text/csv; table=NAME)");
  }
  return *table;
}

Result<pb::TemplateRecord> chunk_template(const StateOverlay& state, const std::string& id,
                                          std::uint32_t version) {
  if (!valid_id(id)) return make_error("bad_field", "template_id");
  RL_ASSIGN_OR_RETURN(auto tmpl, load<pb::TemplateRecord>(state, keys::tmpl(id)));
  if (!tmpl) return make_error("not_found", "template " + id + " is not registered");
  if (tmpl->schema().empty()) {
    return make_error("bad_field", "template " + id +
                                       " has no tables: only table templates take chunked "
                                       "datasets");
  }
  if (tmpl->version() != version) {
    return make_error("template_changed", "template " + id + " is version " +
                                              std::to_string(tmpl->version()) + ", not " +
                                              std::to_string(version) +
                                              ": check the file again and upload it anew");
  }
  return std::move(*tmpl);
}

}  // namespace

Status exec_store_report_chunk(const ExecEnv& env, const Signer& s, StateOverlay& state,
                               const pb::StoreReportChunk& p, const BlockContext& ctx) {
  RL_TRY(check_report_submitter(env, s));
  if (p.data().empty() || p.data().size() > limits::kMaxChunkBytes) {
    return make_error("bad_field", "a chunk's data is 1 byte to 256 KiB");
  }
  if (p.header().empty() || p.header().size() > limits::kMaxChunkHeaderBytes) {
    return make_error("bad_field", "a chunk's header is 1 byte to 64 KiB");
  }
  if (!p.table().empty() && !valid_id(p.table())) return make_error("bad_field", "table");
  RL_ASSIGN_OR_RETURN(auto tmpl, chunk_template(state, p.template_id(), p.template_version()));
  RL_ASSIGN_OR_RETURN(auto schema, stored_schema(tmpl));
  RL_ASSIGN_OR_RETURN(auto table, csv_table(schema, tmpl, chunk_content_type(p.table())));
  const std::string& org = s.account.org_id();
  const Bytes id = chunk_id(p);
  const Bytes key = keys::report_chunk(org, id);
  RL_ASSIGN_OR_RETURN(auto existing, state.get(key));
  if (existing) {
    return make_error("already_exists", "chunk " + to_hex(id) + " is already stored");
  }
  auto check = check_csv_chunk(schema, {table, p.header(), p.first_row(), p.data()});
  RL_TRY(report_check_status(check.result, "the chunk from row " + std::to_string(p.first_row())));

  pb::ReportChunkRecord rec;
  rec.set_chunk_id(to_string(id));
  rec.set_org_id(org);
  rec.set_submitter(s.account.account_id());
  rec.set_template_id(p.template_id());
  rec.set_template_version(p.template_version());
  rec.set_table(table);
  rec.set_header_hash(to_string(crypto::sha256(as_bytes(p.header()))));
  rec.set_size(p.data().size());
  const Bytes data_hash = chunk_data_hash(p.data());
  rec.set_data_hash(to_string(data_hash));
  rec.set_height(ctx.height);
  set_chunk_parts(rec, check.parts);
  state.put(key, encode(rec));
  // The same bytes in another context (another first row, say) share one copy.
  const Bytes data_key = keys::chunk_data(org, data_hash);
  RL_ASSIGN_OR_RETURN(auto stored, state.get(data_key));
  if (!stored) state.put(data_key, to_bytes(p.data()));
  return {};
}

Result<pb::ReportChunksRecord> check_chunked_submission(const StateOverlay& state,
                                                        const pb::SubmitReport& p,
                                                        const pb::TemplateRecord& t,
                                                        const std::string& org) {
  if (!p.payload().empty() || p.has_seal()) {
    return make_error("bad_field", "a chunked report has no inline payload and is not sealed");
  }
  if (static_cast<std::size_t>(p.chunks_size()) > limits::kMaxReportChunks) {
    return make_error("report_too_large", "a report has at most " +
                                              std::to_string(limits::kMaxReportChunks) + " chunks");
  }
  RL_ASSIGN_OR_RETURN(auto tmpl, chunk_template(state, t.template_id(), t.version()));
  RL_ASSIGN_OR_RETURN(auto schema, stored_schema(tmpl));
  RL_ASSIGN_OR_RETURN(auto table, csv_table(schema, tmpl, p.content_type()));
  pb::ReportChunksRecord out;
  std::vector<ChunkParts> parts;
  parts.reserve(static_cast<std::size_t>(p.chunks_size()));
  std::string header_hash;
  for (int i = 0; i < p.chunks_size(); ++i) {
    const std::string& id = p.chunks(i);
    const std::string which = "chunk " + std::to_string(i + 1);
    if (id.size() != 32) return make_error("bad_field", which + ": a chunk id is 32 bytes");
    // Another organization's chunk is "not committed", exactly like one that does not exist.
    RL_ASSIGN_OR_RETURN(auto rec,
                        load<pb::ReportChunkRecord>(state, keys::report_chunk(org, as_bytes(id))));
    if (!rec) {
      return make_error("chunk_missing", which + " (" + to_hex(as_bytes(id)) +
                                             ") is not committed for organization " + org);
    }
    if (rec->template_id() != t.template_id() || rec->template_version() != t.version() ||
        rec->table() != table) {
      return make_error("bad_field", which + " was checked as " + rec->template_id() + " v" +
                                         std::to_string(rec->template_version()) + " table " +
                                         rec->table() + ", not this report's template");
    }
    if (i == 0) header_hash = rec->header_hash();
    if (rec->header_hash() != header_hash) {
      return make_error("bad_field", which + " was checked under another header record");
    }
    auto part = chunk_parts(*rec);
    if (!part) return make_error("state_corrupt", "chunk record " + to_hex(as_bytes(id)));
    parts.push_back(std::move(*part));
    out.add_data_hashes(rec->data_hash());
    out.add_sizes(rec->size());
    out.add_rows(rec->rows());
  }
  RL_TRY(report_check_status(check_csv_chunk_set(schema, table, parts), "the chunked dataset"));
  return out;
}

}  // namespace rl::ledger::exec
