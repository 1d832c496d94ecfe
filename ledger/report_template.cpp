#include "ledger/report_template.hpp"

#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>
#include <set>

#include "ledger/filing_calendar.hpp"
#include "ledger/id_rules.hpp"
#include "ledger/json_keys.hpp"
#include "ledger/limits.hpp"
#include "ledger/masking.hpp"
#include "ledger/report_payload.hpp"
#include "ledger/table_check.hpp"

namespace rl::ledger {
namespace {

using nlohmann::json;

Error bad_template(const std::string& what) {
  return make_error("bad_template", what);
}

Result<pb::FilingCalendar> parse_calendar(const json& j) {
  if (!j.is_object()) return bad_template("calendar must be an object");
  static const std::set<std::string> kKnown = {"frequency", "deadline_days", "utc_offset_minutes",
                                               "grace_days"};
  for (const auto& [k, v] : j.items()) {
    if (!kKnown.count(k)) return bad_template("unknown calendar field '" + k + "'");
  }
  pb::FilingCalendar c;
  if (!j.contains("frequency") || !j["frequency"].is_string()) {
    return bad_template("calendar needs \"frequency\"");
  }
  c.set_frequency(j["frequency"].get<std::string>());
  for (const char* key : {"deadline_days", "grace_days"}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_number_unsigned() || j[key].get<std::uint64_t>() > filing::kMaxCalendarDays) {
      return bad_template(std::string("calendar ") + key + " must be 0-366");
    }
  }
  c.set_deadline_days(j.value("deadline_days", 0u));
  c.set_grace_days(j.value("grace_days", 0u));
  if (j.contains("utc_offset_minutes")) {
    const auto& o = j["utc_offset_minutes"];
    if (!o.is_number_integer() || o.get<std::int64_t>() < filing::kMinUtcOffsetMinutes ||
        o.get<std::int64_t>() > filing::kMaxUtcOffsetMinutes) {
      return bad_template("calendar utc_offset_minutes must be -720..840");
    }
    c.set_utc_offset_minutes(o.get<std::int32_t>());
  }
  return c;
}

}  // namespace

Result<pb::TemplateDefinition> parse_template_json(std::string_view json_text) {
  if (json_text.size() > limits::kMaxTemplateJsonBytes) {
    return bad_template("template is over " + std::to_string(limits::kMaxTemplateJsonBytes) +
                        " bytes");
  }
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad_template("template is not a JSON object");
  if (auto key = first_duplicate_json_key(json_text)) {
    return bad_template("duplicate key '" + *key + "'");
  }
  static const std::set<std::string> kKnown = {
      "id",       "name",  "data_level_floor", "required_fields", "max_payload_bytes", "masks",
      "calendar", "schema"};
  for (const auto& [k, v] : j.items()) {
    if (!kKnown.count(k)) return bad_template("unknown template field '" + k + "'");
  }
  pb::TemplateDefinition t;
  if (!j.contains("id") || !j["id"].is_string()) return bad_template("template needs \"id\"");
  if (!j.contains("name") || !j["name"].is_string()) {
    return bad_template("template needs \"name\"");
  }
  t.set_template_id(j["id"].get<std::string>());
  t.set_name(j["name"].get<std::string>());
  if (j.contains("data_level_floor")) {
    if (!j["data_level_floor"].is_number_unsigned() ||
        j["data_level_floor"].get<std::uint64_t>() > 99) {
      return bad_template("data_level_floor must be 0-99");
    }
    t.set_data_level_floor(j["data_level_floor"].get<std::uint32_t>());
  }
  t.set_max_payload_bytes(64 * 1024);
  if (j.contains("max_payload_bytes")) {
    if (!j["max_payload_bytes"].is_number_unsigned()) {
      return bad_template("max_payload_bytes must be a positive integer");
    }
    t.set_max_payload_bytes(j["max_payload_bytes"].get<std::uint64_t>());
  }
  if (j.contains("required_fields")) {
    if (!j["required_fields"].is_array()) return bad_template("required_fields must be an array");
    for (const auto& f : j["required_fields"]) {
      if (!f.is_string()) return bad_template("required_fields must hold strings");
      t.add_required_fields(f.get<std::string>());
    }
  }
  if (j.contains("masks")) {
    // Each rule in the proto's JSON form, e.g. {"field": "phone", "keep_ends": {"first": 3,
    // "last": 4}}; check_template_definition checks the rules themselves (ledger/masking.hpp).
    if (!j["masks"].is_array() || j["masks"].size() > masking::kMaxMaskedFields) {
      return bad_template("masks must be an array of at most 64 rules");
    }
    for (const auto& m : j["masks"]) {
      if (!m.is_object()) return bad_template("each mask is an object");
      auto st = google::protobuf::util::JsonStringToMessage(m.dump(), t.add_masks());
      if (!st.ok()) return bad_template("mask " + m.dump() + ": " + st.ToString());
    }
  }
  if (j.contains("calendar")) {
    RL_ASSIGN_OR_RETURN(*t.mutable_calendar(), parse_calendar(j["calendar"]));
  }
  if (j.contains("schema")) {
    auto schema = parse_table_schema(j["schema"].dump());
    if (!schema.ok()) return bad_template(schema.error().message);
    t.set_schema(schema->canonical);
  }
  return t;
}

Status check_report_content(const pb::TemplateRecord& t, std::string_view content_type,
                            std::string_view payload) {
  if (payload.size() > t.max_payload_bytes()) {
    return make_error("report_too_large", "payload is " + std::to_string(payload.size()) +
                                              " bytes; template allows " +
                                              std::to_string(t.max_payload_bytes()));
  }
  if (t.schema().empty()) {
    if (content_type != "application/json") {
      return make_error("bad_report", "content_type must be application/json");
    }
    std::vector<std::string_view> required(t.required_fields().begin(), t.required_fields().end());
    return check_json_object_fields(payload, required);
  }
  RL_ASSIGN_OR_RETURN(auto schema, stored_schema(t));
  return report_check_status(check_payload(schema, content_type, payload));
}

Status report_check_status(const CheckResult& result, std::string_view what) {
  if (result.ok()) return {};
  return make_error("bad_report", std::to_string(result.error_count) + " error" +
                                      (result.error_count == 1 ? "" : "s") + " in " +
                                      std::string(what) + ":\n" +
                                      summarize(result, kMaxReportedErrors));
}

Result<TableSchema> stored_schema(const pb::TemplateRecord& t) {
  // Registration proved the stored schema parses; failing now means the state is damaged.
  auto schema = parse_table_schema(t.schema());
  if (!schema.ok()) return make_error("state_corrupt", "template " + t.template_id() + " schema");
  return std::move(schema).value();
}

std::string template_json(const pb::TemplateDefinition& d) {
  json j = {{"id", d.template_id()},
            {"name", d.name()},
            {"data_level_floor", d.data_level_floor()},
            {"required_fields", json::array()},
            {"max_payload_bytes", d.max_payload_bytes()}};
  for (const auto& f : d.required_fields()) j["required_fields"].push_back(f);
  if (d.masks_size() > 0) {
    j["masks"] = json::array();
    google::protobuf::util::JsonPrintOptions opts;
    opts.preserve_proto_field_names = true;
    for (const auto& m : d.masks()) {
      std::string text;
      (void)google::protobuf::util::MessageToJsonString(m, &text, opts);
      j["masks"].push_back(json::parse(text));
    }
  }
  if (!d.schema().empty()) {
    j["schema"] = json::parse(d.schema(), nullptr, /*allow_exceptions=*/false);
  }
  if (filing::has_calendar(d.calendar())) {
    const auto& c = d.calendar();
    j["calendar"] = {{"frequency", c.frequency()},
                     {"deadline_days", c.deadline_days()},
                     {"utc_offset_minutes", c.utc_offset_minutes()},
                     {"grace_days", c.grace_days()}};
  }
  return j.dump();
}

Status check_template_definition(const pb::TemplateDefinition& t) {
  if (!valid_id(t.template_id()))
    return make_error("bad_field", "template_id must be 1-64 of [A-Za-z0-9._-]");
  if (t.name().empty() || t.name().size() > limits::kMaxNameBytes) {
    return make_error("bad_field", "template name must be 1-256 bytes");
  }
  if (t.data_level_floor() > 99) return make_error("bad_field", "data_level_floor must be 0-99");
  if (t.max_payload_bytes() == 0 || t.max_payload_bytes() > limits::kMaxReportPayloadBytes) {
    return make_error("bad_field", "max_payload_bytes must be 1-" +
                                       std::to_string(limits::kMaxReportPayloadBytes));
  }
  if (static_cast<std::size_t>(t.required_fields_size()) > limits::kMaxTemplateFields) {
    return make_error("bad_field", "at most 64 required fields");
  }
  for (const auto& f : t.required_fields()) {
    if (f.empty() || f.size() > limits::kMaxIdBytes) {
      return make_error("bad_field", "required field names are 1-64 bytes");
    }
  }
  if (t.has_calendar()) RL_TRY(filing::check_calendar(t.calendar()));
  if (!t.schema().empty()) {
    // Stored canonical, so that every node and client reads the same text the same way.
    auto schema = parse_table_schema(t.schema());
    if (!schema.ok()) return make_error("bad_field", schema.error().message);
    if (schema->canonical != t.schema()) {
      return make_error("bad_field", "the schema is not in its canonical form");
    }
    if (t.required_fields_size() > 0) {
      return make_error("bad_field",
                        "a template with tables has no required_fields: its "
                        "columns say what is required");
    }
  }
  return masking::check_field_masks(t.masks());
}

pb::TemplateRecord template_record(const pb::TemplateDefinition& d, std::uint32_t version,
                                   std::uint64_t height) {
  pb::TemplateRecord rec;
  rec.set_template_id(d.template_id());
  rec.set_name(d.name());
  rec.set_data_level_floor(d.data_level_floor());
  *rec.mutable_required_fields() = d.required_fields();
  rec.set_max_payload_bytes(d.max_payload_bytes());
  *rec.mutable_masks() = d.masks();
  rec.set_schema(d.schema());
  if (d.has_calendar()) *rec.mutable_calendar() = d.calendar();
  rec.set_version(version);
  rec.set_updated_height(height);
  return rec;
}

pb::TemplateDefinition template_definition(const pb::TemplateRecord& r) {
  pb::TemplateDefinition d;
  d.set_template_id(r.template_id());
  d.set_name(r.name());
  d.set_data_level_floor(r.data_level_floor());
  *d.mutable_required_fields() = r.required_fields();
  d.set_max_payload_bytes(r.max_payload_bytes());
  *d.mutable_masks() = r.masks();
  d.set_schema(r.schema());
  if (r.has_calendar()) *d.mutable_calendar() = r.calendar();
  return d;
}

}  // namespace rl::ledger
