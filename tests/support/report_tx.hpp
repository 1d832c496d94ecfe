#pragma once
// The signed capital-adequacy report that tests running real nodes submit (single node, cluster,
// explorer): one builder, so that the template id, the tx shape and a payload the template
// accepts are written once.

#include <cstdint>
#include <string>

#include "client/lib/identity.hpp"
#include "common/bytes.hpp"
#include "common/result.hpp"

namespace rl::testing {

// bank-a's return for `period` (CET1 ratio 12.5, total capital 1000), valid for the template.
std::string capital_adequacy_payload(const std::string& period);

// A SubmitReport of `payload` (JSON) for `period` under the "capital-adequacy" template, signed
// by `reporter`, with its expiry window counted from `height`.
Result<Bytes> capital_adequacy_tx(const client::Identity& reporter, const std::string& chain_id,
                                  std::uint64_t height, const std::string& payload,
                                  const std::string& period = "2026-Q3");

}  // namespace rl::testing
