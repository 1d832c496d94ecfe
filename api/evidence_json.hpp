#pragma once
// The JSON form of an EvidenceRecord (ledger/evidence.hpp): what GET /v1/evidence serves and
// `regledger evidence` reads back, written in one place so the two cannot drift.

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "regledger.pb.h"

namespace rl::api {

nlohmann::json evidence_record_to_json(const ::regledger::v1::EvidenceRecord& r);
// Code: bad_evidence_json (a field missing, of the wrong type, or not hex/base64).
Result<::regledger::v1::EvidenceRecord> evidence_record_from_json(const nlohmann::json& j);

}  // namespace rl::api
