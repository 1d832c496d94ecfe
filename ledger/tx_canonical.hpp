#pragma once
// The one byte string of a transaction (docs/decisions/0045): a Tx, and the TxBody inside it,
// must be the exact deterministic protobuf encoding of what they decode to. Otherwise one tx id
// (the hash of the body) and one signature would exist as several byte strings, each a different
// Merkle leaf, mempool entry and stored tx.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "common/bytes.hpp"

namespace rl::ledger {

// Walks the wire encoding of a message of type `desc` (nested messages included) and refuses,
// each with its own code:
//   tx_unknown_field       a field number the schema does not define, or a known number with
//                          another wire type (the parser would keep it as an unknown field)
//   tx_field_order         a field after one with a higher number, or a non-repeated field twice
//   tx_non_minimal_varint  a tag, length or varint value with redundant continuation bytes
//   tx_trailing_bytes      bytes after the last field that do not form a field; only with
//                          `trailing_after_last` and once the field with the highest number was
//                          read
//   bad_tx_encoding        anything else that is not protobuf (truncated, tag 0, groups)
Status check_wire_form(const google::protobuf::Descriptor& desc, ByteView bytes,
                       bool trailing_after_last);

// The catch-all after a successful parse: `bytes` must equal the deterministic serialization of
// `parsed` (default values written out, unpacked repeated scalars, ... which check_wire_form
// does not name). Code: tx_non_canonical.
Status check_reencodes_to(const google::protobuf::Message& parsed, ByteView bytes,
                          const char* what);

}  // namespace rl::ledger
