#include "ledger/csv_reader.hpp"

namespace rl::ledger {

Status CsvReader::fail(const std::string& what) const {
  return make_error("bad_csv", "line " + std::to_string(line_) + ": " + what);
}

// UTF-8 as RFC 3629 allows it: no overlong forms, no surrogates, nothing above U+10FFFF.
Status CsvReader::check_utf8(unsigned char c) {
  if (utf8_pending_ > 0) {
    unsigned char lo = 0x80, hi = 0xBF;
    if (utf8_lead_ == 0xE0) lo = 0xA0;
    if (utf8_lead_ == 0xED) hi = 0x9F;
    if (utf8_lead_ == 0xF0) lo = 0x90;
    if (utf8_lead_ == 0xF4) hi = 0x8F;
    if (c < lo || c > hi) return fail("invalid UTF-8");
    utf8_lead_ = 0;  // only the first continuation byte has the narrower range
    --utf8_pending_;
    return {};
  }
  if (c < 0x80) return {};
  if (c >= 0xC2 && c <= 0xDF) {
    utf8_pending_ = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    utf8_pending_ = 2;
  } else if (c >= 0xF0 && c <= 0xF4) {
    utf8_pending_ = 3;
  } else {
    return fail("invalid UTF-8");
  }
  utf8_lead_ = c;
  return {};
}

Status CsvReader::end_field() {
  if (fields_.size() >= kMaxCsvFields) {
    return fail("more than " + std::to_string(kMaxCsvFields) + " fields");
  }
  fields_.push_back(std::move(field_));
  field_.clear();
  return {};
}

Status CsvReader::end_record() {
  RL_TRY(end_field());
  ++records_;
  if (!on_record_(records_, record_line_, fields_)) stopped_ = true;
  fields_.clear();
  record_started_ = false;
  return {};
}

Status CsvReader::byte(unsigned char c) {
  if (c == 0) return fail("NUL byte");
  RL_TRY(check_utf8(c));
  if (!record_started_) {
    record_started_ = true;
    record_line_ = line_;
  }
  auto add = [&]() -> Status {
    if (field_.size() >= kMaxCsvFieldBytes) {
      return fail("a field is over " + std::to_string(kMaxCsvFieldBytes) + " bytes");
    }
    field_.push_back(static_cast<char>(c));
    return {};
  };
  switch (state_) {
    case State::kAfterCr:
      if (c != '\n') return fail("a carriage return outside quotes must end the line (CRLF)");
      ++line_;
      state_ = State::kFieldStart;
      return end_record();
    case State::kFieldStart:
    case State::kUnquoted:
      if (c == ',') {
        state_ = State::kFieldStart;
        return end_field();
      }
      if (c == '\r') {
        state_ = State::kAfterCr;
        return {};
      }
      if (c == '\n') {
        ++line_;
        state_ = State::kFieldStart;
        return end_record();
      }
      if (c == '"') {
        if (state_ == State::kUnquoted) return fail("a quote inside an unquoted field");
        state_ = State::kQuoted;
        return {};
      }
      state_ = State::kUnquoted;
      return add();
    case State::kQuoted:
      if (c == '"') {
        state_ = State::kQuoteInQuoted;
        return {};
      }
      if (c == '\n') ++line_;
      return add();
    case State::kQuoteInQuoted:
      if (c == '"') {
        state_ = State::kQuoted;
        return add();
      }
      state_ = State::kUnquoted;  // the field ended: only a separator may follow
      if (c == ',' || c == '\r' || c == '\n') {
        state_ = State::kFieldStart;
        if (c == ',') return end_field();
        if (c == '\r') {
          state_ = State::kAfterCr;
          return {};
        }
        ++line_;
        return end_record();
      }
      return fail("text after a closing quote");
  }
  return {};
}

Status CsvReader::feed(std::string_view chunk) {
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  for (char ch : chunk) {
    if (stopped_) return {};
    ++bytes_;
    if (!bom_checked_) {
      // A byte order mark is allowed as the file's first three bytes only, and skipped.
      head_.push_back(ch);
      if (kBom.substr(0, head_.size()) == head_) {
        if (head_.size() == kBom.size()) {
          bom_checked_ = true;
          head_.clear();
        }
        continue;
      }
      RL_TRY(flush_head());
      continue;
    }
    RL_TRY(byte(static_cast<unsigned char>(ch)));
  }
  return {};
}

Status CsvReader::flush_head() {
  bom_checked_ = true;
  const std::string held = std::move(head_);
  head_.clear();
  for (char h : held) RL_TRY(byte(static_cast<unsigned char>(h)));
  return {};
}

Status CsvReader::finish() {
  if (!bom_checked_) RL_TRY(flush_head());
  if (stopped_) return {};
  if (state_ == State::kQuoted) {
    return make_error("bad_csv",
                      "line " + std::to_string(record_line_) + ": unterminated quoted field");
  }
  if (utf8_pending_ > 0) return fail("invalid UTF-8 at the end");
  if (state_ == State::kAfterCr) {
    state_ = State::kFieldStart;
    return end_record();
  }
  if (record_started_) return end_record();
  return {};
}

}  // namespace rl::ledger
