#include "node/app/metrics/node_collector.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "node/app/metrics/api_routes.hpp"
#include "node/app/metrics/process_stats.hpp"
#include "node/app/metrics/store_stats.hpp"

namespace rl::node::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;

MetricFamily family(std::string name, std::string help, MetricType type) {
  return MetricFamily{std::move(name), std::move(help), type, {}};
}

// Families are built whole and then appended (a reference into `out` would dangle once it grows).
void emit(std::vector<MetricFamily>& out, MetricFamily f) {
  out.push_back(std::move(f));
}

void sample(MetricFamily& f, double v, Labels labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  if (f.type == MetricType::Counter) {
    m.counter.value = v;
  } else {
    m.gauge.value = v;
  }
  f.metric.push_back(std::move(m));
}

void gauge(std::vector<MetricFamily>& out, std::string name, std::string help, double v) {
  auto f = family(std::move(name), std::move(help), MetricType::Gauge);
  sample(f, v);
  emit(out, std::move(f));
}

void counter(std::vector<MetricFamily>& out, std::string name, std::string help, double v) {
  auto f = family(std::move(name), std::move(help), MetricType::Counter);
  sample(f, v);
  emit(out, std::move(f));
}

void histogram(MetricFamily& f, const HistogramCounts& h, Labels labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    cumulative += h.counts[i];
    m.histogram.bucket.push_back({cumulative, h.bounds[i]});
  }
  cumulative += h.counts[h.bounds.size()];
  m.histogram.bucket.push_back({cumulative, std::numeric_limits<double>::infinity()});
  m.histogram.sample_count = cumulative;
  m.histogram.sample_sum = h.sum;
  f.metric.push_back(std::move(m));
}

void histogram(std::vector<MetricFamily>& out, std::string name, std::string help,
               const HistogramCounts& h) {
  auto f = family(std::move(name), std::move(help), MetricType::Histogram);
  histogram(f, h);
  emit(out, std::move(f));
}

double d(std::uint64_t v) {
  return static_cast<double>(v);
}

}  // namespace

std::vector<MetricFamily> NodeCollector::Collect() const {
  std::vector<MetricFamily> out;
  collect_chain(out);
  collect_consensus(out);
  collect_p2p(out);
  collect_api(out);
  collect_storage(out);
  collect_process(out);
  // A family without samples says nothing (a route nobody called, a node without peers).
  std::erase_if(out, [](const MetricFamily& f) { return f.metric.empty(); });
  return out;
}

void NodeCollector::collect_chain(std::vector<MetricFamily>& out) const {
  if (s_.chain == nullptr) return;
  const auto head = s_.chain->head();
  gauge(out, "regledger_height", "Height of the last committed block.", d(head.height));
  gauge(out, "regledger_head_time_seconds",
        "Block time of the last committed block (unix seconds).",
        static_cast<double>(head.time_ms) / 1000);
  counter(out, "regledger_txs_committed_total", "Transactions in committed blocks.",
          d(head.total_txs));
  if (s_.mempool != nullptr) {
    gauge(out, "regledger_mempool_txs", "Transactions pending in the mempool.",
          d(s_.mempool->size()));
  }
}

void NodeCollector::collect_consensus(std::vector<MetricFamily>& out) const {
  if (s_.sealer != nullptr) {
    const auto& st = s_.sealer->stats();
    counter(out, "regledger_sealer_blocks_total", "Blocks sealed (single-validator network).",
            d(st.blocks.load()));
    counter(out, "regledger_sealer_txs_total", "Transactions sealed into blocks.",
            d(st.txs.load()));
    counter(out, "regledger_sealer_dropped_txs_total",
            "Transactions the sealer left out of a block (failed execution).",
            d(st.dropped.load()));
    // A network of one is never behind anyone: shown so that dashboards and alerts read the
    // same series on every node.
    gauge(out, "regledger_catching_up", "1 while this node is syncing blocks it missed.", 0);
  }
  if (s_.shell == nullptr) return;
  const ShellStatus st = s_.shell->status();
  gauge(out, "regledger_consensus_height", "Height consensus is deciding (committed + 1).",
        d(st.consensus_height));
  gauge(out, "regledger_consensus_round", "Round of the height being decided (0: first try).",
        static_cast<double>(st.round));
  auto step = family("regledger_consensus_step",
                     "1 for the consensus step in progress (propose, prevote, precommit).",
                     MetricType::Gauge);
  for (const char* name : {"propose", "prevote", "precommit"}) {
    sample(step, st.step == name ? 1 : 0, {{"step", name}});
  }
  emit(out, std::move(step));
  gauge(out, "regledger_validator_signing",
        "1 while this node's key is in the validator set of the height being decided.",
        st.validator ? 1 : 0);
  gauge(out, "regledger_catching_up", "1 while this node is syncing blocks it missed.",
        st.catching_up ? 1 : 0);
  gauge(out, "regledger_best_peer_height", "Highest head a connected peer reports.",
        d(st.best_peer_height));
  counter(out, "regledger_blocks_decided_total", "Blocks this node committed (any path).",
          d(st.blocks_decided));
  counter(out, "regledger_blocks_synced_total", "Blocks received by block sync.",
          d(st.blocks_synced));
  counter(out, "regledger_consensus_inbox_dropped_frames_total",
          "Peer frames dropped because the consensus inbox was full.", d(st.inbox_dropped));
  auto msgs =
      family("regledger_consensus_messages_received_total",
             "Consensus messages received from peers, each counted once.", MetricType::Counter);
  sample(msgs, d(st.proposals_received), {{"type", "proposal"}});
  sample(msgs, d(st.prevotes_received), {{"type", "prevote"}});
  sample(msgs, d(st.precommits_received), {{"type", "precommit"}});
  emit(out, std::move(msgs));
  counter(out, "regledger_equivocations_detected_total",
          "Voting slots in which this node saw a validator sign two conflicting votes.",
          d(st.equivocations_detected));
  gauge(out, "regledger_evidence_pending",
        "Equivocation proofs waiting for a block of this node's to record them.",
        d(st.evidence_pending));
  counter(out, "regledger_heights_after_round0_total",
          "Heights decided in a round above 0 (a proposer down, slow or unheard).",
          d(st.heights_after_round0));
  counter(out, "regledger_extra_rounds_total", "Rounds above 0 summed over decided heights.",
          d(st.extra_rounds));
  histogram(out, "regledger_height_duration_seconds",
            "Time per committed height, from the previous commit to this one.", st.height_seconds);
  histogram(out, "regledger_height_build_seconds",
            "Time building a proposal (heights this node proposed at).", st.build_seconds);
  histogram(out, "regledger_height_check_seconds",
            "Time re-executing others' proposals (heights this node checked one at).",
            st.check_seconds);
  histogram(out, "regledger_height_commit_seconds", "Time writing a decided block (synced).",
            st.commit_seconds);
  auto heights =
      family("regledger_peer_height", "Head height each peer last reported.", MetricType::Gauge);
  for (const auto& p : st.peers) sample(heights, d(p.height), {{"peer", p.name}});
  emit(out, std::move(heights));
}

void NodeCollector::collect_p2p(std::vector<MetricFamily>& out) const {
  if (s_.network == nullptr) return;
  const auto peers = s_.network->peers();
  double connected_count = 0;
  auto connected = family("regledger_peer_connected",
                          "1 while the P2P connection to the peer is up.", MetricType::Gauge);
  auto received = family("regledger_p2p_received_bytes_total",
                         "P2P frame bytes received, by peer and channel.", MetricType::Counter);
  auto sent = family("regledger_p2p_sent_bytes_total", "P2P frame bytes sent, by peer and channel.",
                     MetricType::Counter);
  auto queued =
      family("regledger_p2p_queued_bytes",
             "Bytes waiting in the send queue to the peer, by channel.", MetricType::Gauge);
  auto dropped =
      family("regledger_p2p_send_dropped_frames_total",
             "Frames not sent because the peer's send queue was full.", MetricType::Counter);
  for (const auto& p : peers) {
    connected_count += p.connected ? 1 : 0;
    sample(connected, p.connected ? 1 : 0, {{"peer", p.name}});
    sample(dropped, d(p.dropped_out), {{"peer", p.name}});
    for (std::size_t ch = 0; ch <= p2p::kMaxChannel; ++ch) {
      const std::string channel = p2p::channel_name(static_cast<p2p::Channel>(ch));
      sample(received, d(p.bytes_in[ch]), {{"channel", channel}, {"peer", p.name}});
      sample(sent, d(p.bytes_out[ch]), {{"channel", channel}, {"peer", p.name}});
      sample(queued, d(p.queued_bytes_by_channel[ch]), {{"channel", channel}, {"peer", p.name}});
    }
  }
  for (auto* f : {&connected, &received, &sent, &queued, &dropped}) emit(out, std::move(*f));
  gauge(out, "regledger_peers_connected", "Peers with a P2P connection up.", connected_count);
}

void NodeCollector::collect_api(std::vector<MetricFamily>& out) const {
  if (s_.api != nullptr) {
    const ApiStats& a = *s_.api;
    counter(out, "regledger_txs_accepted_total", "Transactions the API admitted to the mempool.",
            d(a.txs_accepted.load()));
    auto refused = family("regledger_txs_refused_total",
                          "Transactions the API refused, by error code (\"other\": not listed "
                          "in docs/operations.md).",
                          MetricType::Counter);
    const auto codes = TxRefusalStats::codes();
    for (std::size_t i = 0; i <= codes.size(); ++i) {
      const std::uint64_t n = a.refused.refused(i);
      if (n == 0) continue;
      sample(refused, d(n), {{"code", i < codes.size() ? std::string(codes[i]) : "other"}});
    }
    emit(out, std::move(refused));
    auto requests =
        family("regledger_api_requests_total",
               "API requests answered, by route template and HTTP status.", MetricType::Counter);
    auto latency =
        family("regledger_api_request_duration_seconds",
               "Time to answer an API request, by route template.", MetricType::Histogram);
    const auto routes = api_route_templates();
    const auto statuses = ApiRequestStats::statuses();
    for (std::size_t r = 0; r < routes.size(); ++r) {
      bool any = false;
      for (std::size_t s = 0; s <= statuses.size(); ++s) {
        const std::uint64_t n = a.requests.requests(r, s);
        if (n == 0) continue;
        any = true;
        sample(requests, d(n),
               {{"route", std::string(routes[r])},
                {"status", s < statuses.size() ? std::to_string(statuses[s]) : "other"}});
      }
      if (any) histogram(latency, a.requests.latency(r), {{"route", std::string(routes[r])}});
    }
    emit(out, std::move(requests));
    emit(out, std::move(latency));
  }
  if (s_.auth != nullptr) {
    const auto& st = s_.auth->stats();
    counter(out, "regledger_logins_total", "Logins that opened a session.", d(st.logins_ok.load()));
    auto failed = family("regledger_login_failures_total",
                         "Refused logins, by the factor that failed.", MetricType::Counter);
    for (std::size_t i = 0; i < identity::kLoginFactors; ++i) {
      sample(failed, d(st.login_failures[i].load()),
             {{"factor",
               std::string(identity::login_factor_name(static_cast<identity::LoginFactor>(i)))}});
    }
    emit(out, std::move(failed));
    counter(out, "regledger_login_lockouts_total", "Accounts locked after repeated failed logins.",
            d(st.lockouts.load()));
    gauge(out, "regledger_sessions_open", "Login sessions held by this node.",
          d(s_.auth->session_count()));
  }
}

void NodeCollector::collect_storage(std::vector<MetricFamily>& out) const {
  auto sst =
      family("regledger_rocksdb_sst_bytes", "Size of the store's table files.", MetricType::Gauge);
  auto blob = family("regledger_rocksdb_blob_bytes",
                     "Size of the store's blob files (large values).", MetricType::Gauge);
  auto mem = family("regledger_rocksdb_memtable_bytes",
                    "Bytes in the store's memtables (not yet flushed).", MetricType::Gauge);
  auto live = family("regledger_rocksdb_live_data_bytes",
                     "RocksDB's estimate of the store's live data.", MetricType::Gauge);
  auto avail =
      family("regledger_filesystem_avail_bytes",
             "Bytes still available on the filesystem holding the store.", MetricType::Gauge);
  auto size = family("regledger_filesystem_size_bytes", "Size of the filesystem holding the store.",
                     MetricType::Gauge);
  for (const auto& [name, store] : s_.stores) {
    auto st = read_store_stats(*store);
    if (!st.ok()) {
      // One unreadable store leaves its series out of this scrape; the rest still answers.
      spdlog::warn("metrics store unreadable store={} code={} message={}", name, st.error().code,
                   st.error().message);
      continue;
    }
    const Labels l{{"store", name}};
    sample(sst, d(st->sst_bytes), l);
    sample(blob, d(st->blob_bytes), l);
    sample(mem, d(st->memtable_bytes), l);
    sample(live, d(st->live_data_bytes), l);
    sample(avail, d(st->fs_avail_bytes), l);
    sample(size, d(st->fs_size_bytes), l);
  }
  for (auto* f : {&sst, &blob, &mem, &live, &avail, &size}) emit(out, std::move(*f));
}

void NodeCollector::collect_process(std::vector<MetricFamily>& out) {
  auto p = read_process_stats();
  if (!p.ok()) {
    spdlog::warn("metrics process stats unreadable message={}", p.error().message);
    return;
  }
  counter(out, "process_cpu_seconds_total", "User and system CPU time of the node process.",
          p->cpu_seconds);
  gauge(out, "process_resident_memory_bytes", "Resident memory (RSS) of the node process.",
        p->resident_bytes);
  gauge(out, "process_virtual_memory_bytes", "Virtual memory of the node process.",
        p->virtual_bytes);
  gauge(out, "process_start_time_seconds", "Start time of the node process (unix seconds).",
        p->start_time_seconds);
  gauge(out, "process_open_fds", "Open file descriptors.", p->open_fds);
  gauge(out, "process_max_fds", "Limit on open file descriptors.", p->max_fds);
  gauge(out, "process_threads", "Threads of the node process.", p->threads);
}

}  // namespace rl::node::metrics
