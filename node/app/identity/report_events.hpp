#pragma once
// GET /v1/events: server-sent events (text/event-stream) of what committed after a height, for
// a bank's system waiting on its reports' status and an auditor's indexer following blocks
// (docs/reporting.md "Notifications").
//
// Each answer carries the events of at most kMaxEventHeights heights after the client's last
// event id (a height), then ends with `retry:`: an EventSource reconnects on its own, sending
// Last-Event-ID, and resumes exactly after the last height it saw. No connection is held open,
// so a node serves any number of followers with bounded memory and no timers.
//
//  - stream=blocks: one `block` event per committed height (height, hash, time, tx count):
//    public, like the headers.
//  - stream=reports: one `report` event per report submission or review in those heights that
//    the reader may read (read_policy.hpp), with the report's status as of that event. Another
//    organization's reports never appear, nor does their number.

#include <cstdint>
#include <string>

#include "ledger/chain.hpp"
#include "node/app/identity/read_policy.hpp"

namespace rl::node::identity {

inline constexpr std::uint64_t kMaxEventHeights = 100;
// Transactions decoded for one answer (stream=reports): a run of full blocks ends the answer
// early, at a height boundary, so one request never decodes 100 blocks of 5000 txs.
inline constexpr std::size_t kMaxEventTxs = 10'000;
inline constexpr int kEventRetryMs = 2000;

enum class EventStream { kBlocks, kReports };

// The text/event-stream body for heights (after, after + kMaxEventHeights] that are committed.
// Codes: storage errors, state_corrupt.
Result<std::string> events_after(const ledger::Chain& chain, const OptionalReader& reader,
                                 EventStream stream, std::uint64_t after);

}  // namespace rl::node::identity
