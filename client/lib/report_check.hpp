#pragma once
// Checking a report file before it is sent (`regledger report check`, and `report submit`
// before it signs): the template as the ledger holds it, the content type a file is sent with,
// and the very checker the validators run (ledger/report_template.hpp, ledger/table_check.hpp),
// reading CSV in pieces so a file of any size is checked in bounded memory.

#include <cstdint>
#include <functional>
#include <string>

#include "client/lib/node_client.hpp"
#include "ledger/table_check.hpp"
#include "ledger/tx.hpp"

namespace rl::client {

// GET /v1/templates/<id>: the template record as committed. Codes: template_not_found, transport.
Result<ledger::pb::TemplateRecord> fetch_template(NodeClient& c, const std::string& id);
// A template JSON file (the governance / genesis form) as the record it would become.
Result<ledger::pb::TemplateRecord> template_from_file(const std::string& path);

// "text/csv" (or "text/csv; table=T" when `table` is given) for a .csv file, else
// "application/json".
std::string content_type_for(const std::string& path, const std::string& table);

// Progress of a long check: bytes read so far of `total`.
using CheckProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Checks the file as the validators would. A template without tables gives at most one error
// (its payload-level message). Codes: io errors, bad_argument (a table the template lacks).
Result<ledger::CheckResult> check_report_file(const ledger::pb::TemplateRecord& t,
                                              const std::string& path,
                                              const std::string& content_type,
                                              const CheckProgress& progress = {});

}  // namespace rl::client
