#include "ledger/tx_canonical.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <string>

namespace rl::ledger {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Deeper than any message of the schema; a bound so that hostile nesting cannot recurse far.
constexpr int kMaxDepth = 16;

enum class Read { kOk, kMalformed, kNonMinimal };

Read read_varint(const std::uint8_t*& p, const std::uint8_t* end, std::uint64_t& out) {
  out = 0;
  for (int i = 0; i < 10; ++i) {
    if (p == end) return Read::kMalformed;
    const std::uint8_t b = *p++;
    if (i == 9 && b > 1) return Read::kMalformed;  // more than 64 bits
    out |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return (i > 0 && b == 0) ? Read::kNonMinimal : Read::kOk;
  }
  return Read::kMalformed;
}

int expected_wire_type(const FieldDescriptor& f) {
  if (f.is_packed()) return 2;
  switch (f.type()) {
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_DOUBLE:
      return 1;
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_FLOAT:
      return 5;
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
    case FieldDescriptor::TYPE_MESSAGE:
      return 2;
    case FieldDescriptor::TYPE_GROUP:
      return 3;
    default:
      return 0;
  }
}

int highest_field_number(const Descriptor& desc) {
  int n = 0;
  for (int i = 0; i < desc.field_count(); ++i) n = std::max(n, desc.field(i)->number());
  return n;
}

Status walk(const Descriptor& desc, const std::uint8_t* p, const std::uint8_t* end, int depth,
            bool trailing_after_last) {
  if (depth > kMaxDepth) return make_error("bad_tx_encoding", "messages nested too deep");
  const int highest = highest_field_number(desc);
  int last = 0;
  auto malformed = [&](const char* why) -> Error {
    if (trailing_after_last && last == highest) {
      return make_error("tx_trailing_bytes",
                        std::string("bytes after the last field of ") + desc.name());
    }
    return make_error("bad_tx_encoding", std::string(desc.name()) + ": " + why);
  };
  auto non_minimal = [&]() -> Error {
    return make_error("tx_non_minimal_varint",
                      std::string(desc.name()) + ": a varint has redundant bytes");
  };
  while (p < end) {
    std::uint64_t tag = 0;
    Read r = read_varint(p, end, tag);
    if (r == Read::kMalformed) return malformed("truncated tag");
    if (r == Read::kNonMinimal) return non_minimal();
    const std::uint64_t number = tag >> 3;
    const int wire = static_cast<int>(tag & 7);
    if (number == 0 || number > 536870911) return malformed("bad field number");
    const std::uint8_t* value = p;
    std::uint64_t len = 0;
    switch (wire) {
      case 0:
        r = read_varint(p, end, len);
        if (r == Read::kMalformed) return malformed("truncated varint");
        if (r == Read::kNonMinimal) return non_minimal();
        break;
      case 1:
      case 5: {
        const std::size_t size = wire == 1 ? 8 : 4;
        if (static_cast<std::size_t>(end - p) < size) return malformed("truncated fixed field");
        p += size;
        break;
      }
      case 2:
        r = read_varint(p, end, len);
        if (r == Read::kMalformed) return malformed("truncated length");
        if (r == Read::kNonMinimal) return non_minimal();
        if (len > static_cast<std::uint64_t>(end - p)) return malformed("length past the end");
        value = p;
        p += len;
        break;
      default:
        return malformed("groups and reserved wire types are not used");
    }
    const FieldDescriptor* f = desc.FindFieldByNumber(static_cast<int>(number));
    if (f == nullptr || expected_wire_type(*f) != wire) {
      return make_error("tx_unknown_field", std::string(desc.name()) + " has no field " +
                                                std::to_string(number) + " of wire type " +
                                                std::to_string(wire));
    }
    const int n = static_cast<int>(number);
    if (n < last || (n == last && !f->is_repeated())) {
      return make_error("tx_field_order", std::string(desc.name()) + ": field " +
                                              std::to_string(n) + " after field " +
                                              std::to_string(last));
    }
    last = n;
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      RL_TRY(walk(*f->message_type(), value, value + len, depth + 1, false));
    }
  }
  return {};
}

}  // namespace

Status check_wire_form(const Descriptor& desc, ByteView bytes, bool trailing_after_last) {
  return walk(desc, bytes.data(), bytes.data() + bytes.size(), 0, trailing_after_last);
}

Status check_reencodes_to(const google::protobuf::Message& parsed, ByteView bytes,
                          const char* what) {
  std::string canonical;
  {
    google::protobuf::io::StringOutputStream out(&canonical);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    if (!parsed.SerializeToCodedStream(&coded)) {
      return make_error("bad_tx_encoding", std::string(what) + " does not re-encode");
    }
  }
  if (canonical.size() != bytes.size() ||
      !std::equal(canonical.begin(), canonical.end(), bytes.begin(),
                  [](char a, std::uint8_t b) { return static_cast<std::uint8_t>(a) == b; })) {
    return make_error("tx_non_canonical",
                      std::string(what) + " is not the canonical encoding of what it decodes to");
  }
  return {};
}

}  // namespace rl::ledger
