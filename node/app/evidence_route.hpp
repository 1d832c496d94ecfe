#pragma once
// GET /v1/evidence[?from=H][&limit=N]: the equivocations recorded on the ledger
// (ledger/evidence.hpp), oldest votes first. Public, like the headers: a proof is about a
// validator's signatures, no organization's data, and anyone holding the genesis file can
// re-verify its bytes (docs/api/openapi.yaml).

#include "api/http_types.hpp"
#include "ledger/chain.hpp"

namespace rl::node {

http::HttpResponse evidence_response(const ledger::Chain& chain, const http::HttpRequest& req);

}  // namespace rl::node
