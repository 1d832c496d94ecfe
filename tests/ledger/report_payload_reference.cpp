// The pre-scanner implementation of the report-payload check, verbatim but for the namespace;
// see the header for why it is kept.
#include "tests/ledger/report_payload_reference.hpp"

#include <nlohmann/json.hpp>
#include <string>

#include "ledger/report_payload.hpp"

namespace rl::ledger::reference {
namespace {

using json = nlohmann::json;

// Tracks the nesting depth and marks which required keys occur at the top level.
class FieldScan final : public nlohmann::json_sax<json> {
 public:
  explicit FieldScan(const std::vector<std::string_view>& required)
      : required_(required), found_(required.size(), false) {}

  bool null() override { return top_value(); }
  bool boolean(bool) override { return top_value(); }
  bool number_integer(number_integer_t) override { return top_value(); }
  bool number_unsigned(number_unsigned_t) override { return top_value(); }
  bool number_float(number_float_t, const string_t&) override { return top_value(); }
  bool string(string_t&) override { return top_value(); }
  bool binary(binary_t&) override { return top_value(); }
  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (depth_ != 1) return true;
    for (std::size_t i = 0; i < required_.size(); ++i) {
      if (!found_[i] && required_[i] == k) found_[i] = true;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    error_ = "payload is not a JSON object";
    return false;
  }

  const std::string& error() const { return error_; }
  const std::vector<bool>& found() const { return found_; }

 private:
  // A scalar as the whole document is not an object.
  bool top_value() {
    if (depth_ > 0) return true;
    error_ = "payload is not a JSON object";
    return false;
  }
  bool open(bool object) {
    if (depth_ == 0 && !object) {
      error_ = "payload is not a JSON object";
      return false;
    }
    if (++depth_ > kMaxJsonDepth) {
      error_ = "payload nests deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  const std::vector<std::string_view>& required_;
  std::vector<bool> found_;
  std::size_t depth_ = 0;
  std::string error_;
};

}  // namespace

Status check_json_object_fields(std::string_view payload,
                                const std::vector<std::string_view>& required) {
  FieldScan scan(required);
  const bool ok = json::sax_parse(payload.begin(), payload.end(), &scan, json::input_format_t::json,
                                  /*strict=*/true);
  if (!ok) {
    return make_error("bad_report",
                      scan.error().empty() ? "payload is not a JSON object" : scan.error());
  }
  for (std::size_t i = 0; i < required.size(); ++i) {
    if (!scan.found()[i]) {
      return make_error("bad_report",
                        "payload lacks required field '" + std::string(required[i]) + "'");
    }
  }
  return {};
}

}  // namespace rl::ledger::reference
