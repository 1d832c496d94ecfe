#include "node/app/api.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "api/error_codes.hpp"
#include "api/routes.hpp"
#include "common/thread_priority.hpp"
#include "common/wall_clock.hpp"
#include "crypto/hash.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/limits.hpp"
#include "ledger/report_template.hpp"
#include "ledger/state_keys.hpp"
#include "ledger/tx_batch.hpp"
#include "node/app/admission.hpp"
#include "node/app/evidence_route.hpp"
#include "node/app/identity/read_policy.hpp"
#include "node/app/identity/report_chunk_reads.hpp"
#include "node/app/identity/report_events.hpp"
#include "node/app/identity/report_listing.hpp"
#include "node/app/sealed/sealed_api.hpp"
#include "node/app/third_party/third_party_api.hpp"
#include "node/explorer/explorer_routes.hpp"
#include "node/http/json_error.hpp"
#include "node/http/query.hpp"

namespace rl::node {
namespace {

using api::ApiError;
using api::Route;

using nlohmann::json;

// A list cursor is an index key: a few ids and a height.
constexpr std::size_t kMaxCursorBytes = 512;

http::HttpResponse ok_json(const json& j, int status = 200) {
  http::HttpResponse r;
  r.status = status;
  r.body = j.dump();
  return r;
}

Result<Bytes> parse_id(std::string_view hex) {
  if (hex.size() != 64) return http::api_error(ApiError::kBadId, "ids are 64 hex characters");
  auto b = from_hex(hex);
  if (!b.ok()) return http::api_error(ApiError::kBadId, "ids are 64 hex characters");
  return std::move(b).value();
}

// What a reader gets for an id that does not exist, and, word for word, for one it may not read
// (read_policy.hpp): one error per kind of id, so the two cannot be told apart.
Error no_such_tx() {
  return http::api_error(ApiError::kTxNotFound, "no such transaction on this node");
}
Error no_such_block() {
  return http::api_error(ApiError::kBlockNotFound, "no block at that height");
}
Error no_such_report() {
  return http::api_error(ApiError::kReportNotFound, "no such report");
}
std::string get_query(const http::HttpRequest& req, const char* key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

Error no_such_org() {
  return http::api_error(ApiError::kOrgNotFound, "no such organization");
}

}  // namespace

nlohmann::json status_history_json(const ledger::pb::ReportRecord& r) {
  json out = json::array();
  for (const auto& h : r.history()) {
    out.push_back(
        {{"status", h.status()},
         {"height", h.height()},
         {"time_ms", h.time_ms()},
         {"by", h.by()},
         {"reasons", json(std::vector<std::string>(h.reasons().begin(), h.reasons().end()))}});
  }
  return out;
}

nlohmann::json report_json(const ledger::pb::ReportRecord& r) {
  return {{"report_id", r.report_id()},
          {"org", r.org_id()},
          {"submitter", r.submitter()},
          {"template", r.template_id()},
          {"period", r.period()},
          {"batch", r.batch()},
          {"payload_hash", to_hex(as_bytes(r.payload_hash()))},
          {"data_level", r.data_level()},
          {"status", r.status()},
          {"height", r.height()},
          {"tx_index", r.tx_index()},
          {"submitted_at_ms", r.submitted_at_ms()},
          {"sealed", r.sealed()},
          {"template_version", r.template_version()},
          {"late", r.late()},
          {"deadline_ms", r.deadline_ms()},
          {"version", r.version()},
          {"corrects", r.corrects()},
          {"superseded_by", r.superseded_by()},
          {"first_version", r.first_version()},
          {"history", status_history_json(r)},
          {"size", r.size()},
          {"chunks", r.chunk_count()}};
}

void Api::handle(http::HttpRequest&& req, http::Responder respond) {
  // Client demand is unbounded; block production is not. Under saturation the kernel serves the
  // consensus / sealer thread first (common/thread_priority.hpp).
  lower_this_thread_priority();
  const auto started = std::chrono::steady_clock::now();
  auto response = route(req);
  stats_.requests.observe(
      req.path, response.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  respond(std::move(response));
}

http::HttpResponse Api::route(const http::HttpRequest& req) {
  // Every path under /v1/third-party/, unknown ones and every method included: the third-party
  // routes audit every call, refused ones too.
  if (third_party::ThirdPartyApi::is_route(req.path)) {
    if (third_party_ == nullptr) {
      return http::json_error(ApiError::kMaskingUnavailable,
                              "this node does not serve third parties");
    }
    return third_party_->route(req);
  }
  // The explorer's static files: every name under /explorer/, unknown ones included, so that its
  // 404s carry its security headers too. Its pages read everything else through the routes
  // below, with the viewer's own session.
  if (explorer::is_route(req.path)) return explorer::serve(req);
  // The other routes are the table's (api/routes.hpp): a path it does not list is no route,
  // whatever the method.
  const auto match = api::match_route(req.path);
  if (!match) return http::json_error(ApiError::kRouteNotFound, "no route for " + req.path);
  if (!api::route_allows(match->route, req.method)) return http::method_not_allowed(match->route);
  if (auto r = identity_.route(req, *match)) return std::move(*r);
  if (sealed::SealedApi::serves(match->route)) {
    if (sealed_ == nullptr) {
      return http::json_error(ApiError::kRouteNotFound, "this node does not serve sealed reports");
    }
    return sealed_->route(req, *match);
  }
  const auto& param = match->params;
  const bool report_events = get_query(req, "stream") == "reports";
  switch (match->route) {
    case Route::kTxs:
      return post_tx(req);
    case Route::kTxsBatch:
      return post_tx_batch(req);
    case Route::kHealthz:
      return ok_json({{"status", "ok"}, {"height", chain_.head().height}});
    case Route::kStatus:
      return get_status();
    // Templates are network-wide rules, not any organization's data: public, like the headers.
    case Route::kTemplates:
      return list_templates();
    case Route::kTemplate:
      return get_template(param[0]);
    case Route::kHeader:
      return get_header(param[0]);
    case Route::kEvidence:
      return evidence_response(chain_, req);
    // Block events are public, like the headers; report events are data (below).
    case Route::kEvents:
      if (!report_events) return get_events(req, nullptr);
      break;
    default:
      break;
  }
  // Everything below carries report data: the reader is authenticated first.
  auto principal = identity_.reader(req);
  if (!principal.ok()) return http::json_error(principal.error());
  Reader reader;
  if (*principal) {
    auto ctx = identity::load_read_context(identity_.auth().ledger(), std::move(**principal));
    if (!ctx.ok()) return http::json_error(ctx.error());
    reader = std::move(ctx).value();
  }
  if (auto st = identity::check_data_route_reader(reader); !st.ok()) {
    return http::json_error(st.error());
  }
  switch (match->route) {
    case Route::kEvents:
      return get_events(req, &reader);
    case Route::kReports:
      return list_reports(req, reader);
    case Route::kBlock:
      return get_block(param[0], reader);
    case Route::kTx:
      return get_tx(param[0], reader);
    case Route::kReceipt:
      return get_receipt(param[0], reader);
    case Route::kBalance:
      return get_balance(param[0], reader);
    case Route::kChunk:
      return get_own_chunk(param[0], reader);
    case Route::kReport:
      return get_report(param[0], reader);
    case Route::kReportVersions:
      return get_report_versions(param[0], reader);
    case Route::kReportChunks:
      return get_report_chunks(param[0], reader);
    case Route::kReportChunk:
      return get_report_chunk(param[0], param[1], reader);
    default:
      break;
  }
  // A route of the table that no module answers (tests/app/api_routes_test.cpp asks every one).
  std::string message = "this node does not serve ";
  message += api::route_template(match->route);
  return http::json_error(ApiError::kRouteNotFound, message);
}

http::HttpResponse Api::post_tx(const http::HttpRequest& req) {
  auto reject = [&](const Error& e) {
    stats_.txs_rejected++;
    stats_.refused.count(e.code);
    return http::json_error(e);
  };
  // Two encodings of the same thing: the exact Tx bytes as the body
  // (application/octet-stream, what the client library sends: no JSON or base64 on the hot
  // path), or {"tx": "<base64>"} for curl and scripts.
  Bytes raw;
  auto ct = req.headers.find("content-type");
  if (ct != req.headers.end() && ct->second.rfind("application/octet-stream", 0) == 0) {
    raw = to_bytes(req.body);
  } else {
    json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return reject(http::api_error(ApiError::kBadJson, "request body is not valid JSON"));
    }
    if (!j.is_object() || !j.contains("tx") || !j["tx"].is_string()) {
      return reject(
          http::api_error(ApiError::kBadRequest, "expected {\"tx\": \"<base64 of Tx bytes>\"}"));
    }
    auto decoded = from_base64(j["tx"].get_ref<const std::string&>());
    if (!decoded.ok()) {
      return reject(http::api_error(ApiError::kBadRequest, "tx is not valid base64"));
    }
    raw = std::move(decoded).value();
  }
  auto id = submit_raw(raw);
  if (!id.ok()) return reject(id.error());
  stats_.txs_accepted++;
  return ok_json({{"tx_id", *id}, {"status", "pending"}}, 202);
}

Result<std::string> Api::submit_raw(ByteView raw) {
  // A full mempool refuses before any signature is checked: back-pressure must be cheap.
  if (mempool_.full()) {
    return http::api_error(ApiError::kMempoolFull, "the node's mempool is full; retry later");
  }
  auto tx = ledger::decode_tx(chain_.anchor().suite, raw);
  if (!tx.ok()) return tx.error();
  std::string id = to_hex(tx->id);
  RL_TRY(admit_tx(chain_, mempool_, std::move(tx).value(), rl::wall_now_ms()));
  if (on_accepted_) on_accepted_(Bytes(raw.begin(), raw.end()));
  return id;
}

http::HttpResponse Api::post_tx_batch(const http::HttpRequest& req) {
  auto ct = req.headers.find("content-type");
  if (ct == req.headers.end() || ct->second.rfind("application/octet-stream", 0) != 0) {
    return http::json_error(
        ApiError::kBadRequest,
        "a batch is application/octet-stream: (u32 big-endian length, Tx bytes)*");
  }
  // The whole framing is checked before anything is admitted: a malformed batch admits nothing.
  auto frames = ledger::split_tx_batch(as_bytes(req.body));
  if (!frames.ok()) return http::json_error(frames.error());
  json results = json::array();
  std::size_t accepted = 0;
  for (ByteView raw : *frames) {
    auto id = submit_raw(raw);
    if (id.ok()) {
      ++accepted;
      stats_.txs_accepted++;
      results.push_back({{"tx_id", *id}, {"status", "pending"}});
    } else {
      stats_.txs_rejected++;
      stats_.refused.count(id.error().code);
      results.push_back({{"error", {{"code", id.error().code}, {"message", id.error().message}}}});
    }
  }
  return ok_json({{"accepted", accepted},
                  {"rejected", frames->size() - accepted},
                  {"results", std::move(results)}});
}

namespace {

json template_record_json(const ledger::pb::TemplateRecord& t) {
  return {{"template", json::parse(ledger::template_json(ledger::template_definition(t)))},
          {"version", t.version()},
          {"updated_height", t.updated_height()}};
}

}  // namespace

http::HttpResponse Api::get_template(std::string_view id) {
  if (!ledger::valid_id(id)) {
    return http::json_error(ApiError::kTemplateNotFound, "no such template");
  }
  auto raw = chain_.state_value(ledger::keys::tmpl(id));
  if (!raw.ok()) return http::json_error(raw.error());
  ledger::pb::TemplateRecord t;
  if (!*raw) return http::json_error(ApiError::kTemplateNotFound, "no such template");
  if (!t.ParseFromArray((*raw)->data(), static_cast<int>((*raw)->size()))) {
    return http::json_error(ApiError::kStateCorrupt, "template record");
  }
  return ok_json(template_record_json(t));
}

http::HttpResponse Api::list_templates() {
  auto rows = chain_.state_scan(ledger::keys::templates_prefix(), kMaxTemplatesListed);
  if (!rows.ok()) return http::json_error(rows.error());
  json out = json::array();
  for (const auto& [key, value] : *rows) {
    ledger::pb::TemplateRecord t;
    if (!t.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return http::json_error(ApiError::kStateCorrupt, "template record");
    }
    out.push_back({{"id", t.template_id()},
                   {"name", t.name()},
                   {"version", t.version()},
                   {"tables", !t.schema().empty()},
                   {"frequency", t.calendar().frequency()}});
  }
  return ok_json({{"templates", out}, {"count", out.size()}});
}

http::HttpResponse Api::get_status() {
  auto h = chain_.head();
  return ok_json({{"chain_id", chain_.anchor().chain_id},
                  {"node", node_name_},
                  {"suite", std::string(crypto::suite_name(chain_.anchor().suite))},
                  {"height", h.height},
                  {"block_hash", to_hex(h.block_hash)},
                  {"app_hash", to_hex(h.app_hash)},
                  {"block_time_ms", h.time_ms},
                  {"total_txs", h.total_txs},
                  {"mempool_size", mempool_.size()},
                  {"genesis_hash", to_hex(chain_.anchor().genesis_hash)}});
}

Result<Api::StoredBlock> Api::load_block(std::string_view text) const {
  StoredBlock b;
  auto height = http::parse_u64(text);
  if (!height) return http::api_error(ApiError::kBadHeight, "height must be a decimal number");
  b.height = *height;
  RL_ASSIGN_OR_RETURN(auto raw, chain_.block_bytes(b.height));
  if (!raw) return no_such_block();
  b.raw = std::move(*raw);
  if (!b.block.ParseFromArray(b.raw.data(), static_cast<int>(b.raw.size())) ||
      !b.header.ParseFromString(b.block.header())) {
    return http::api_error(ApiError::kStorageCorrupt, "stored block does not decode");
  }
  return b;
}

http::HttpResponse Api::get_block(std::string_view text, const Reader& reader) {
  auto stored = load_block(text);
  if (!stored.ok()) return http::json_error(stored.error());
  const auto& [height, raw, block, hdr] = *stored;
  auto visible = identity::may_read_block(reader, identity_.auth().ledger(), block);
  if (!visible.ok()) return http::json_error(visible.error());
  if (!*visible) return http::json_error(no_such_block());
  json txs = json::array();
  for (const auto& t : block.txs()) {
    auto d = ledger::decode_tx(chain_.anchor().suite, as_bytes(t));
    if (d.ok()) txs.push_back(to_hex(d->id));
  }
  return ok_json(
      {{"height", hdr.height()},
       {"block_hash", to_hex(crypto::hash(chain_.anchor().suite, as_bytes(block.header())))},
       {"time_ms", hdr.time_ms()},
       {"prev_block_hash", to_hex(as_bytes(hdr.prev_block_hash()))},
       {"tx_root", to_hex(as_bytes(hdr.tx_root()))},
       {"app_hash", to_hex(as_bytes(hdr.app_hash()))},
       {"validators_hash", to_hex(as_bytes(hdr.validators_hash()))},
       {"proposer", hdr.proposer()},
       {"tx_count", hdr.tx_count()},
       {"txs", txs},
       {"block", to_base64(raw)}});
}

http::HttpResponse Api::get_header(std::string_view text) {
  auto stored = load_block(text);
  if (!stored.ok()) return http::json_error(stored.error());
  const auto& [height, raw, block, hdr] = *stored;
  auto cert = chain_.commit(height);
  if (!cert.ok()) return http::json_error(cert.error());
  json j = {{"height", hdr.height()},
            {"block_hash", to_hex(crypto::hash(chain_.anchor().suite, as_bytes(block.header())))},
            {"time_ms", hdr.time_ms()},
            {"app_hash", to_hex(as_bytes(hdr.app_hash()))},
            {"tx_root", to_hex(as_bytes(hdr.tx_root()))},
            {"tx_count", hdr.tx_count()},
            {"header", to_base64(as_bytes(block.header()))}};
  if (*cert) j["commit"] = to_base64(to_bytes((*cert)->SerializeAsString()));
  // After validator-set changes, what a verifier holding only genesis needs to trust the set
  // that certified this header (decision 0041). Absent while the set never changed.
  auto handoffs = chain_.handoffs_up_to(height);
  if (!handoffs.ok()) return http::json_error(handoffs.error());
  if (!handoffs->empty())
    j["validator_handoffs"] = json::parse(ledger::handoffs_to_json(*handoffs));
  return ok_json(j);
}

http::HttpResponse Api::get_tx(std::string_view hex, const Reader& reader) {
  auto id = parse_id(hex);
  if (!id.ok()) return http::json_error(id.error());
  auto loc = chain_.tx_location(*id);
  if (!loc.ok()) return http::json_error(loc.error());
  if (!*loc) {
    auto pending = mempool_.find(*id);
    if (pending && identity::may_see_pending(reader, *pending)) {
      return ok_json({{"tx_id", hex}, {"status", "pending"}});
    }
    return http::json_error(no_such_tx());
  }
  auto raw = chain_.tx_bytes(*id);
  if (!raw.ok() || !*raw) return http::json_error(ApiError::kStorageCorrupt, "tx bytes missing");
  auto visible = identity::may_read_tx(reader, identity_.auth().ledger(), **raw);
  if (!visible.ok()) return http::json_error(visible.error());
  if (!*visible) return http::json_error(no_such_tx());
  auto d = ledger::decode_tx(chain_.anchor().suite, **raw);
  json j = {{"tx_id", hex},
            {"status", "committed"},
            {"height", (*loc)->height()},
            {"index", (*loc)->index()},
            {"tx", to_base64(**raw)}};
  if (d.ok()) {
    j["signer"] = d->body.signer();
    j["nonce"] = d->body.nonce();
    j["payload"] = std::string(ledger::payload_name(d->body));
  }
  return ok_json(j);
}

http::HttpResponse Api::get_receipt(std::string_view hex, const Reader& reader) {
  auto id = parse_id(hex);
  if (!id.ok()) return http::json_error(id.error());
  auto r = chain_.receipt(*id);
  if (!r.ok()) return http::json_error(r.error());
  if (!*r) return http::json_error(no_such_tx());
  auto visible = identity::may_read_tx(reader, identity_.auth().ledger(), (*r)->tx);
  if (!visible.ok()) return http::json_error(visible.error());
  if (!*visible) return http::json_error(no_such_tx());
  http::HttpResponse resp;
  resp.body = ledger::receipt_to_json(**r);
  return resp;
}

http::HttpResponse Api::get_balance(std::string_view org, const Reader& reader) {
  // Another organization's balance answers like an organization that does not exist.
  if (org.size() > ledger::limits::kMaxIdBytes) return http::json_error(no_such_org());
  if (reader && !reader->scope.sees_everything_of(org)) return http::json_error(no_such_org());
  auto known = identity_.auth().ledger().organization(org);
  if (!known.ok()) return http::json_error(known.error());
  if (!*known) return http::json_error(no_such_org());
  auto amount = chain_.balance(org);
  if (!amount.ok()) return http::json_error(amount.error());
  return ok_json(
      {{"org", std::string(org)}, {"balance", *amount}, {"height", chain_.head().height}});
}

http::HttpResponse Api::get_report(std::string_view id, const Reader& reader) {
  // Asked before the id is looked up: an account without output permission learns nothing.
  if (auto st = identity::check_output_permission(reader); !st.ok()) {
    return http::json_error(st.error());
  }
  auto r = chain_.report(std::string(id));
  if (!r.ok()) return http::json_error(r.error());
  if (!*r || !identity::may_read_report(reader, **r)) return http::json_error(no_such_report());
  return ok_json(report_json(**r));
}

http::HttpResponse Api::get_report_chunks(std::string_view id, const Reader& reader) {
  auto list = identity::report_chunk_list(chain_, reader, std::string(id));
  if (!list.ok()) return http::json_error(list.error());
  json chunks = json::array();
  std::uint64_t size = 0;
  for (int i = 0; i < list->data_hashes_size(); ++i) {
    size += list->sizes(i);
    chunks.push_back({{"index", i},
                      {"sha256", to_hex(as_bytes(list->data_hashes(i)))},
                      {"size", list->sizes(i)},
                      {"rows", i < list->rows_size() ? list->rows(i) : 0}});
  }
  return ok_json({{"report_id", id}, {"count", chunks.size()}, {"size", size}, {"chunks", chunks}});
}

http::HttpResponse Api::get_report_chunk(std::string_view id, std::string_view index,
                                         const Reader& reader) {
  auto data = identity::report_chunk_data(chain_, reader, std::string(id), index);
  if (!data.ok()) return http::json_error(data.error());
  http::HttpResponse r;
  r.content_type = "application/octet-stream";
  r.body = std::move(data).value();
  return r;
}

http::HttpResponse Api::get_own_chunk(std::string_view id, const Reader& reader) {
  auto rec = identity::own_chunk(chain_, reader, id);
  if (!rec.ok()) return http::json_error(rec.error());
  return ok_json({{"chunk_id", id},
                  {"template", rec->template_id()},
                  {"template_version", rec->template_version()},
                  {"table", rec->table()},
                  {"first_row", rec->first_row()},
                  {"rows", rec->rows()},
                  {"size", rec->size()},
                  {"sha256", to_hex(as_bytes(rec->data_hash()))},
                  {"height", rec->height()}});
}

http::HttpResponse Api::get_events(const http::HttpRequest& req, const Reader* reader) {
  const std::string stream = get_query(req, "stream");
  if (!stream.empty() && stream != "blocks" && stream != "reports") {
    return http::json_error(ApiError::kBadQuery, "stream must be blocks or reports");
  }
  if (reader) {
    if (auto st = identity::check_output_permission(*reader); !st.ok()) {
      return http::json_error(st.error());
    }
  }
  // An EventSource resumes with Last-Event-ID; a script may pass ?after=HEIGHT.
  auto last = req.headers.find("last-event-id");
  std::string text = last != req.headers.end() ? last->second : get_query(req, "after");
  std::uint64_t after = 0;
  if (!text.empty()) {
    auto height = http::parse_u64(text);
    if (!height) {
      return http::json_error(ApiError::kBadQuery, "the last event id is a block height");
    }
    after = *height;
  }
  auto body = identity::events_after(
      chain_, reader ? *reader : Reader{},
      reader ? identity::EventStream::kReports : identity::EventStream::kBlocks, after);
  // (A blocks stream passes no reader: it never reads a report.)
  if (!body.ok()) return http::json_error(body.error());
  return http::HttpResponse{
      200, "text/event-stream", std::move(*body), {{"cache-control", "no-cache"}}};
}

http::HttpResponse Api::get_report_versions(std::string_view id, const Reader& reader) {
  auto versions = identity::list_report_versions(chain_, reader, std::string(id));
  if (!versions.ok()) return http::json_error(versions.error());
  json out = json::array();
  for (const auto& r : *versions) out.push_back(report_json(r));
  return ok_json({{"versions", out}, {"count", out.size()}});
}

namespace {

Result<std::optional<bool>> bool_param(const std::string& value, const char* name) {
  if (value.empty()) return std::optional<bool>();
  if (value == "true") return std::optional<bool>(true);
  if (value == "false") return std::optional<bool>(false);
  return http::api_error(ApiError::kBadQuery, std::string(name) + " must be true or false");
}

}  // namespace

http::HttpResponse Api::list_reports(const http::HttpRequest& req, const Reader& reader) {
  identity::ReportQuery q;
  auto get = [&](const char* k) {
    auto it = req.query.find(k);
    return it == req.query.end() ? std::string() : it->second;
  };
  q.org = get("org");
  q.template_id = get("template");
  q.period = get("period");
  q.status = get("status");
  q.first_version = get("chain");
  for (const auto* v : {&q.org, &q.template_id, &q.period, &q.first_version}) {
    if (v->size() > 64 || v->find('/') != std::string::npos) {
      return http::json_error(ApiError::kBadQuery, "filter values are ids of at most 64 bytes");
    }
  }
  if (!q.status.empty() && q.status != "SUBMITTED" && q.status != "ACCEPTED" &&
      q.status != "REJECTED") {
    return http::json_error(ApiError::kBadQuery, "status must be SUBMITTED, ACCEPTED or REJECTED");
  }
  auto late = bool_param(get("late"), "late");
  auto latest = bool_param(get("latest"), "latest");
  auto from = http::optional_i64_param(req, "from_ms");
  auto to = http::optional_i64_param(req, "to_ms");
  if (!late.ok()) return http::json_error(late.error());
  if (!latest.ok()) return http::json_error(latest.error());
  if (!from.ok()) return http::json_error(from.error());
  if (!to.ok()) return http::json_error(to.error());
  q.late = *late;
  q.latest_only = latest->value_or(false);
  q.from_ms = *from;
  q.to_ms = *to;
  auto limit = http::limit_param(req, q.limit, ledger::limits::kMaxQueryLimit);
  if (!limit.ok()) return http::json_error(limit.error());
  q.limit = *limit;
  if (auto a = get("after"); !a.empty()) {
    auto cursor = from_hex(a);
    if (a.size() > 2 * kMaxCursorBytes || !cursor.ok()) {
      return http::json_error(ApiError::kBadQuery,
                              "after is the `next` cursor of a previous page (hex)");
    }
    q.after = std::move(cursor).value();
  }
  auto page = identity::list_visible_reports(chain_, reader, q);
  if (!page.ok()) return http::json_error(page.error());
  json out = json::array();
  for (const auto& r : page->reports) out.push_back(report_json(r));
  json j = {{"reports", out}, {"count", out.size()}};
  if (!page->next.empty()) j["next"] = to_hex(page->next);
  return ok_json(j);
}

}  // namespace rl::node
