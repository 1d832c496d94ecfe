#include "tests/consensus/sim/simulator.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "consensus/codec.hpp"
#include "consensus/core.hpp"
#include "consensus/sign_bytes.hpp"
#include "tests/consensus/sim/checker.hpp"
#include "tests/consensus/sim/network.hpp"
#include "tests/consensus/sim/prng.hpp"
#include "tests/consensus/sim/sim_block.hpp"
#include "tests/consensus/support/test_crypto.hpp"

namespace rl::consensus::sim {

std::string describe_faults(std::uint32_t f) {
  static const char* names[] = {"network", "partition", "isolate",   "clog", "crash",
                                "pause",   "wipe",      "byzantine", "skew"};
  std::string out;
  for (int i = 0; i < 9; ++i) {
    if (f & (1u << i)) out += (out.empty() ? "" : "+") + std::string(names[i]);
  }
  return out.empty() ? "none" : out;
}

namespace {

using testing::FnvHasher;

std::string short_hash(const Bytes& b) {
  return b.empty() ? "-" : to_hex(ByteView(b.data(), 4));
}
using testing::MacSigner;
using testing::MacVerifier;

constexpr const char* kChain = "sim-chain";
constexpr std::uint64_t kTickMs = 250;
constexpr std::size_t kSyncBatch = 16;

// Byzantine behaviours, chosen per Byzantine node and seed.
enum Behavior : std::uint32_t {
  kEquivocate = 1u << 0,  // conflicting proposals and votes to two halves of the network
  kRandomHash = 1u << 1,  // votes for random hashes
  kStale = 1u << 2,       // replays of old messages
  kFuture = 1u << 3,      // signed messages for future heights and rounds
  kNonMember = 1u << 4,   // messages from non-members, wrong proposers, bad signatures
  kGarbage = 1u << 5,     // random and corrupted bytes
  kWithhold = 1u << 6,    // drops its own votes to some peers
  kAllBehaviors = (1u << 7) - 1,
};

struct Packet {
  enum class Kind { kConsensus, kStatus, kSyncRequest, kSyncResponse } kind = Kind::kConsensus;
  Bytes bytes;        // kConsensus: the encoded message
  Height height = 0;  // kStatus: sender's height; kSyncRequest: first height wanted
  std::vector<std::pair<Bytes, Bytes>> blocks;  // kSyncResponse: (value, encoded certificate)
};

struct SimEvent {
  enum class Kind {
    kDeliver,
    kTimer,
    kTick,
    kAppBuild,
    kAppCheck,
    kCrash,
    kRestart,
    kPause,
    kResume,
    kPartition,
    kRepair,
    kClog,
    kArmIsolation,
    kHeal
  } kind = Kind::kTick;
  int node = -1;
  std::uint64_t incarnation = 0;
  int from = -1;
  std::shared_ptr<const Packet> packet;
  TimeoutKind timeout = TimeoutKind::kPropose;
  Height height = 0;
  Round round = 0;
  Bytes value, hash;
  int crash_point = -1;  // kCrash: -1 now, 0..3 at that point of the next Ready
  bool wipe = false;
  std::vector<std::pair<int, int>> links;
  std::uint64_t duration = 0;
};

struct Disk {
  std::optional<Bytes> safety;                                   // durable SafetyState
  std::map<Height, std::pair<Bytes, CommitCertificate>> blocks;  // durable committed blocks
};

struct Node {
  int index = 0;
  bool byzantine = false;
  std::uint32_t behaviors = 0;
  std::unique_ptr<MacSigner> signer;
  std::optional<Consensus> core;
  // The core's state as of its last persist (or its creation): a step without a persist must
  // leave it unchanged, which is how the simulator checks the core's change detection.
  PersistentState persisted_state;
  Disk disk;
  std::vector<Bytes> chain;  // committed block hashes, chain[h - 1] = hash of height h
  bool up = true;
  bool stopped = false;  // stopped for good (SimOptions::stop_at_heal): never restarts
  bool paused = false;
  std::uint64_t incarnation = 0;
  std::vector<SimEvent> held;  // inputs that arrived while paused
  double rate = 1.0;           // local clock rate (skew)
  Height sign_from = 1;
  int crash_point = -1;  // armed crash inside the next Ready
  std::uint64_t sync_sent_at = 0;
  bool sync_pending = false;
  std::vector<Bytes> seen;  // Byzantine: messages to replay later
};

class Simulation {
 public:
  explicit Simulation(const SimOptions& o)
      : opt_(o),
        root_(o.seed),
        rng_faults_(root_.split("faults")),
        rng_app_(root_.split("app")),
        rng_adv_(root_.split("adversary")),
        net_(o.n, root_.split("network")),
        f_((o.n - 1) / 3) {
    Prng setup = root_.split("setup");
    const bool byz_mix = (o.faults & kByzantine) != 0;
    int byz = o.byzantine >= 0 ? o.byzantine : (byz_mix ? f_ : 0);
    // A validator that lost its disk sits out the height it was at (it may have signed there),
    // so it spends one unit of the fault budget f: seeds with wipes run fewer Byzantine nodes.
    if ((o.faults & kWipe) && o.byzantine < 0 && byz >= f_ && setup.chance(0.5)) byz = f_ - 1;
    // Unequal voting power on a third of the seeds (only when the Byzantine count is within f,
    // where "f" then means "less than a third of the power", which is what is checked below).
    std::vector<Power> power(static_cast<std::size_t>(o.n), 1);
    // The draw happens with equal_power too, so that option shifts no other random choice.
    if (byz <= f_ && setup.below(3) == 0 && !o.equal_power) {
      for (auto& p : power) p = setup.between(1, 3);
    }
    std::vector<Validator> vs;
    for (int i = 0; i < o.n; ++i) vs.push_back({testing::validator_id(i), power[i]});
    // Byzantine nodes: the lowest-powered, as long as they hold under a third of the power
    // (bite tests ask for more on purpose).
    std::vector<int> order(o.n);
    for (int i = 0; i < o.n; ++i) order[i] = i;
    for (int i = o.n - 1; i > 0; --i) std::swap(order[i], order[setup.below(i + 1)]);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return power[a] < power[b]; });
    Power total = 0, byz_power = 0;
    for (auto p : power) total += p;
    nodes_.resize(o.n);
    for (int k = 0; k < byz; ++k) {
      const int i = order[k];
      if (byz <= f_ && 3 * (byz_power + power[i]) >= total) break;
      byz_power += power[i];
      nodes_[i].byzantine = true;
      nodes_[i].behaviors = static_cast<std::uint32_t>(setup.between(1, kAllBehaviors));
      if (byz > f_) nodes_[i].behaviors |= kEquivocate;  // the bite test's colluders
    }
    // Wipes spend the rest of the budget: Byzantine plus wiped power stays under a third.
    budget_power_ = total - 3 * byz_power;  // wipes allowed while 3 * wiped_power < this
    power_ = power;
    set_.emplace(ValidatorSet::create(vs).value());
    checker_.emplace(kChain, *set_, verifier_, o.n);
    const bool big_skew = (o.faults & kSkew) != 0;
    for (int i = 0; i < o.n; ++i) {
      Node& nd = nodes_[i];
      nd.index = i;
      nd.signer = std::make_unique<MacSigner>(testing::validator_id(i));
      nd.rate = big_skew ? 0.7 + 0.6 * setup.unit() : 0.97 + 0.06 * setup.unit();
    }
    if (o.faults & kNetwork) {
      net_.loss = 0.15 * rng_faults_.unit();
      net_.duplicate = 0.1 * rng_faults_.unit();
      net_.spike = 0.1 * rng_faults_.unit();
      net_.max_delay_ms = rng_faults_.between(5, 40);
    }
    heal_at_ = rng_faults_.between(2000, std::max<std::uint64_t>(2000, o.max_fault_phase_ms));
  }

  SimResult run() {
    for (int i = 0; i < opt_.n; ++i) boot(nodes_[i]);
    plan_faults();
    SimEvent heal;
    heal.kind = SimEvent::Kind::kHeal;
    push(heal_at_, std::move(heal));
    const std::uint64_t deadline = heal_at_ + opt_.liveness_bound_ms;
    while (!queue_.empty() && result_.events < opt_.max_events) {
      std::pop_heap(queue_.begin(), queue_.end(), Later{});
      Entry e = std::move(queue_.back());
      queue_.pop_back();
      now_ = e.time;
      if (now_ > deadline) break;
      ++result_.events;
      trace(e);
      dispatch(e.event);
      if (!checker_->violations().empty()) break;
      if (healed_ && liveness_reached()) {
        result_.liveness_ms = now_ - heal_at_;
        break;
      }
    }
    result_.violations = checker_->violations();
    result_.agreement_violated = checker_->agreement_violated();
    result_.max_height = checker_->max_height();
    result_.heal_time_ms = heal_at_;
    if (result_.violations.empty() && !(healed_ && liveness_reached())) {
      std::string stuck;
      for (const auto& n : nodes_) {
        if (!n.byzantine && !n.stopped && n.chain.size() < liveness_target_)
          stuck += " node " + std::to_string(n.index) + " at " + std::to_string(n.chain.size()) +
                   (n.core ? " (round " + std::to_string(n.core->round()) + " step " +
                                 step_name(n.core->current_step()) + " sign_from " +
                                 std::to_string(n.sign_from) + " lock " +
                                 std::to_string(n.core->locked_round()) + ":" +
                                 short_hash(n.core->locked_hash()) + " valid " +
                                 std::to_string(n.core->valid_round()) + ":" +
                                 short_hash(n.core->valid_hash()) + ")"
                           : " (down)");
      }
      const std::string stopped = opt_.stop_at_heal > 0 ? " (" + std::to_string(opt_.stop_at_heal) +
                                                              " nodes stopped for good at healing)"
                                                        : "";
      result_.violations.push_back("liveness: after healing at " + std::to_string(heal_at_) +
                                   " ms" + stopped + ", target height " +
                                   std::to_string(liveness_target_) + " not reached within " +
                                   std::to_string(opt_.liveness_bound_ms) + " ms:" + stuck);
    }
    return result_;
  }

 private:
  struct Entry {
    std::uint64_t time;
    std::uint64_t seq;
    SimEvent event;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };

  void push(std::uint64_t at, SimEvent ev) {
    queue_.push_back(Entry{at, seq_++, std::move(ev)});
    std::push_heap(queue_.begin(), queue_.end(), Later{});
  }
  std::uint64_t local(const Node& n, std::uint64_t ms) const {
    return static_cast<std::uint64_t>(static_cast<double>(ms) * n.rate) + 1;
  }

  // ---- trace -------------------------------------------------------------------------------
  void hash_in(std::uint64_t v) {
    for (int s = 0; s < 64; s += 8) {
      result_.trace_hash ^= (v >> s) & 0xFF;
      result_.trace_hash *= 0x100000001b3ull;
    }
  }
  void hash_in(ByteView b) { result_.trace_hash = testing::fnv1a64(b, result_.trace_hash); }
  void trace(const Entry& e) {
    if (result_.events == 1) result_.trace_hash = 0xcbf29ce484222325ull;
    hash_in(e.time);
    hash_in(static_cast<std::uint64_t>(e.event.kind));
    hash_in(static_cast<std::uint64_t>(e.event.node + 1));
    if (e.event.packet) hash_in(e.event.packet->bytes);
    if (opt_.verbose) {
      static const char* kinds[] = {"deliver", "timer",   "tick",        "app-build", "app-check",
                                    "crash",   "restart", "pause",       "resume",    "partition",
                                    "repair",  "clog",    "isolate-arm", "heal"};
      std::string extra;
      if (e.event.packet && e.event.packet->kind == Packet::Kind::kConsensus) {
        auto m = decode_message(e.event.packet->bytes);
        if (!m.ok()) {
          extra = "garbage";
        } else if (const auto* v = std::get_if<Vote>(&*m)) {
          extra = std::string(v->type == VoteType::kPrevote ? "prevote" : "precommit") + " h" +
                  std::to_string(v->height) + " r" + std::to_string(v->round) + " by " +
                  std::to_string(v->validator) + " " +
                  (v->is_nil() ? "nil" : to_hex(ByteView(v->value_hash.data(), 4)));
        } else {
          const auto& p = std::get<Proposal>(*m);
          extra = "proposal h" + std::to_string(p.height) + " r" + std::to_string(p.round) +
                  " pol " + std::to_string(p.pol_round) + " " +
                  to_hex(ByteView(p.value_hash.data(), 4));
        }
      } else if (e.event.packet) {
        extra = "sync/status h" + std::to_string(e.event.packet->height);
      } else if (e.event.kind == SimEvent::Kind::kTimer) {
        extra = std::string(timeout_name(e.event.timeout)) + " h" + std::to_string(e.event.height) +
                " r" + std::to_string(e.event.round);
      }
      std::printf("t=%llu %s node=%d from=%d %s\n", static_cast<unsigned long long>(e.time),
                  kinds[static_cast<int>(e.event.kind)], e.event.node, e.event.from, extra.c_str());
    }
  }

  // ---- nodes -------------------------------------------------------------------------------
  void boot(Node& n) {
    Config cfg;
    cfg.chain_id = kChain;
    cfg.self_id = testing::validator_id(n.index);
    cfg.timeouts = {300, 150, 200, 100, 200, 100};
    cfg.sign_from_height = n.sign_from;
    cfg.unsafe_disable_locking = opt_.disable_locking;
    std::optional<SafetyState> restored;
    if (n.disk.safety) restored = decode_safety_state(*n.disk.safety).value();
    const Height start = n.disk.blocks.size() + 1;
    auto core = Consensus::create(cfg, ValidatorSchedule(1, *set_), start, restored,
                                  CryptoHooks{n.signer.get(), &verifier_, &hasher_});
    if (!core.ok()) {
      checker_fail("boot: node " + std::to_string(n.index) + ": " + core.error().to_string());
      return;
    }
    n.core.emplace(std::move(core).value());
    n.persisted_state = n.core->state();
    n.up = true;
    n.paused = false;
    n.crash_point = -1;
    n.sync_pending = false;
    ++n.incarnation;
    handle(n, n.core->step(Start{}));
    SimEvent tick;
    tick.kind = SimEvent::Kind::kTick;
    tick.node = n.index;
    tick.incarnation = n.incarnation;
    push(now_ + local(n, rng_app_.between(1, kTickMs)), std::move(tick));
  }

  void checker_fail(std::string s) { checker_->report(std::move(s)); }

  void crash(Node& n, bool wipe) {
    n.up = false;
    n.core.reset();
    n.held.clear();
    n.crash_point = -1;
    if (wipe) {
      // The operator's double-sign guard for a validator that lost its disk: it never signs at
      // or below the height it had reached (known from its logs / peers' view of it).
      n.sign_from = std::max<Height>(n.sign_from, n.chain.size() + 2);
      n.disk = Disk{};
      n.chain.clear();
      checker_->on_wipe(n.index);
    } else {
      plant_disk_fault(n);
    }
  }

  // The bite tests' planted bugs (SimOptions::restart_disk): a shell that loses, across a crash,
  // the SafetyState that ready.hpp requires it to keep.
  void plant_disk_fault(Node& n) {
    if (!n.disk.safety) return;
    switch (opt_.restart_disk) {
      case RestartDisk::kIntact:
        return;
      case RestartDisk::kNoSafetyState:
        n.disk.safety.reset();
        // The checker follows the disk's state, which now starts over (as after a wipe, minus
        // the operator's sign_from guard); what it must still catch is the consequence, a second
        // signature for a slot the node signed before: the double-sign check.
        checker_->on_wipe(n.index);
        return;
      case RestartDisk::kNoLock: {
        // The checker is not told: the restarted node's next persist at this height shows a lock
        // that went back, which is what the lock check is for.
        SafetyState s = decode_safety_state(*n.disk.safety).value();
        s.locked_round = kNoRound;
        s.locked_value.clear();
        s.locked_hash.clear();
        n.disk.safety = encode_safety_state(s);
        return;
      }
    }
  }

  void step(Node& n, const Event& ev) {
    if (!n.core) return;
    handle(n, n.core->step(ev));
  }

  // The shell: the persistence contract of ready.hpp, with crash points between its steps.
  void handle(Node& n, Ready r) {
    if (r.fatal) {
      // The core found its own state impossible and stopped (a real shell halts the node). No
      // core may ever get there, Byzantine ones included: they run the honest core and only lie
      // on the wire. Reported once; the node stays down for the rest of the run.
      checker_fail("invariant: node " + std::to_string(n.index) + ": " +
                   r.fatal->to_error().to_string());
      crash(n, false);
      n.stopped = true;
      return;
    }
    if (r.persist) {
      n.persisted_state = static_cast<const PersistentState&>(*r.persist);
    } else if (n.core && n.core->state() != n.persisted_state) {
      checker_fail("persist: node " + std::to_string(n.index) +
                   " changed its consensus state in a step that asked for no persist");
    }
    result_.rejected += r.rejected.size();
    const int point = n.crash_point;
    if (point == 0) return crash(n, false);
    if (r.decided) {
      if (!n.byzantine) checker_->on_decide(n.index, *r.decided, n.chain);
      n.disk.blocks[r.decided->height] = {r.decided->value, r.decided->certificate};
      n.chain.push_back(r.decided->value_hash);
      if (!n.byzantine && n.chain.size() > max_honest_height_) max_honest_height_ = n.chain.size();
    }
    if (point == 1) return crash(n, false);
    if (r.persist) {
      n.disk.safety = encode_safety_state(*r.persist);
      if (!n.byzantine) checker_->on_persist(n.index, *r.persist);
    }
    if (point == 2) return crash(n, false);
    const std::size_t limit = point == 3 ? r.broadcast.size() / 2 : r.broadcast.size();
    for (std::size_t i = 0; i < limit; ++i) broadcast(n, r.broadcast[i]);
    if (point == 3) return crash(n, false);
    for (const auto& t : r.timers) {
      SimEvent ev;
      ev.kind = SimEvent::Kind::kTimer;
      ev.node = n.index;
      ev.incarnation = n.incarnation;
      ev.timeout = t.kind;
      ev.height = t.height;
      ev.round = t.round;
      push(now_ + local(n, t.delay_ms), std::move(ev));
    }
    if (r.build_proposal) {
      SimEvent ev;
      ev.kind = SimEvent::Kind::kAppBuild;
      ev.node = n.index;
      ev.incarnation = n.incarnation;
      ev.height = r.build_proposal->height;
      ev.round = r.build_proposal->round;
      push(now_ + rng_app_.between(0, 5), std::move(ev));
    }
    for (auto& c : r.check_proposals) {
      SimEvent ev;
      ev.kind = SimEvent::Kind::kAppCheck;
      ev.node = n.index;
      ev.incarnation = n.incarnation;
      ev.height = c.height;
      ev.round = c.round;
      ev.value = std::move(c.value);
      ev.hash = std::move(c.value_hash);
      push(now_ + rng_app_.between(0, 3), std::move(ev));
    }
    if (!n.byzantine) result_.evidence += r.evidence.size();
  }

  // ---- application -------------------------------------------------------------------------
  const Bytes& tip(const Node& n, Height h) const {
    return h <= 1 ? SimBlock::genesis_hash() : n.chain[h - 2];
  }
  bool valid_block(const Node& n, Height h, ByteView value) const {
    auto b = SimBlock::decode(value);
    return b && b->height == h && n.chain.size() + 1 == h && b->prev_hash == tip(n, h);
  }
  Bytes build_block(const Node& n, Height h) {
    SimBlock b{h, tip(n, h), static_cast<std::uint32_t>(n.index), rng_app_.next()};
    return b.encode();
  }

  // ---- network -----------------------------------------------------------------------------
  void send(int from, int to, std::shared_ptr<const Packet> p) {
    for (std::uint64_t t : net_.deliveries(from, to, now_)) {
      SimEvent ev;
      ev.kind = SimEvent::Kind::kDeliver;
      ev.node = to;
      ev.from = from;
      ev.packet = p;
      push(t, std::move(ev));
    }
  }
  void send_consensus(int from, int to, Bytes bytes) {
    auto p = std::make_shared<Packet>();
    p->bytes = std::move(bytes);
    send(from, to, std::move(p));
  }

  void broadcast(Node& n, const Message& m) {
    if (n.byzantine) return adversary_broadcast(n, m);
    checker_->on_sent(n.index, m);
    if (isolate_armed_ && std::holds_alternative<Proposal>(m)) return isolate_after_proposal(n, m);
    auto p = std::make_shared<Packet>();
    p->bytes = encode_message(m);
    for (int to = 0; to < opt_.n; ++to)
      if (to != n.index) send(n.index, to, p);
  }

  // The proposal reaches exactly 2f+1 nodes (the proposer and 2f others), then the proposer is
  // cut off from everyone for a while.
  void isolate_after_proposal(Node& n, const Message& m) {
    isolate_armed_ = false;
    auto p = std::make_shared<Packet>();
    p->bytes = encode_message(m);
    std::vector<int> others;
    for (int i = 0; i < opt_.n; ++i)
      if (i != n.index) others.push_back(i);
    for (int i = static_cast<int>(others.size()) - 1; i > 0; --i)
      std::swap(others[i], others[rng_faults_.below(i + 1)]);
    for (int k = 0; k < 2 * f_; ++k) {
      SimEvent ev;  // bypasses loss: "has reached" means delivered
      ev.kind = SimEvent::Kind::kDeliver;
      ev.node = others[k];
      ev.from = n.index;
      ev.packet = p;
      push(now_ + rng_faults_.between(1, 10), std::move(ev));
    }
    SimEvent cut;
    cut.kind = SimEvent::Kind::kPartition;
    for (int i = 0; i < opt_.n; ++i) {
      if (i == n.index) continue;
      cut.links.push_back({n.index, i});
      cut.links.push_back({i, n.index});
    }
    cut.duration = rng_faults_.between(300, 3000);
    dispatch(cut);
  }

  // ---- adversary ---------------------------------------------------------------------------
  bool group_b(int peer, Height h, Round r) const {
    return (mix64(opt_.seed ^ (h * 0x9E37u) ^ (static_cast<std::uint64_t>(r) << 20),
                  static_cast<std::uint64_t>(peer)) &
            1) != 0;
  }
  Bytes sign_vote(Node& n, Vote v) {
    v.signature = n.signer->sign(vote_sign_bytes(kChain, v));
    return encode_message(v);
  }
  Bytes sign_proposal(Node& n, Proposal p) {
    p.signature = n.signer->sign(proposal_sign_bytes(kChain, p));
    return encode_message(p);
  }
  Bytes random_hash() {
    Bytes h(32);
    for (auto& b : h) b = static_cast<std::uint8_t>(rng_adv_.next());
    return h;
  }

  void adversary_broadcast(Node& n, const Message& m) {
    const std::uint32_t b = n.behaviors;
    const Bytes honest = encode_message(m);
    if (n.seen.size() < 64 || rng_adv_.chance(0.05)) {
      if (n.seen.size() >= 64)
        n.seen[rng_adv_.below(n.seen.size())] = honest;
      else
        n.seen.push_back(honest);
    }
    const auto* prop = std::get_if<Proposal>(&m);
    const auto* vote = std::get_if<Vote>(&m);
    const Height h = prop ? prop->height : vote->height;
    const Round r = prop ? prop->round : vote->round;
    // Colluders agree on a second value for every (height, round) a Byzantine node proposes in.
    if ((b & kEquivocate) && prop) {
      Proposal alt = *prop;
      SimBlock blk = SimBlock::decode(prop->value).value_or(SimBlock{h, {}, 0, 0});
      blk.nonce ^= 0x5A5A5A5A;
      alt.value = blk.encode();
      alt.value_hash = hasher_.hash(alt.value);
      alt.pol_round = kNoRound;
      alts_[{h, r}] = {prop->value_hash, alt.value_hash};
      const Bytes alt_bytes = sign_proposal(n, alt);
      for (int to = 0; to < opt_.n; ++to) {
        if (to == n.index) continue;
        const bool b_side = !nodes_[to].byzantine && group_b(to, h, r);
        send_consensus(n.index, to, b_side ? alt_bytes : honest);
      }
    } else {
      for (int to = 0; to < opt_.n; ++to) {
        if (to == n.index) continue;
        Bytes out = honest;
        if (vote && static_cast<int>(vote->validator) == n.index) {
          if ((b & kWithhold) && !nodes_[to].byzantine && rng_adv_.chance(0.5)) continue;
          auto alt = alts_.find({h, r});
          if ((b & kEquivocate) && alt != alts_.end() && !nodes_[to].byzantine) {
            Vote v = *vote;
            v.value_hash = group_b(to, h, r) ? alt->second.second : alt->second.first;
            out = sign_vote(n, v);
          } else if ((b & kRandomHash) && rng_adv_.chance(0.3)) {
            Vote v = *vote;
            v.value_hash = random_hash();
            out = sign_vote(n, v);
          }
        }
        send_consensus(n.index, to, std::move(out));
      }
    }
    inject_noise(n, h, r);
  }

  void inject_noise(Node& n, Height h, Round r) {
    const std::uint32_t b = n.behaviors;
    const int to = static_cast<int>(rng_adv_.below(opt_.n));
    if (to == n.index) return;
    if ((b & kStale) && !n.seen.empty() && rng_adv_.chance(0.3))
      send_consensus(n.index, to, n.seen[rng_adv_.below(n.seen.size())]);
    if ((b & kFuture) && rng_adv_.chance(0.3)) {
      Vote v{rng_adv_.chance(0.5) ? VoteType::kPrevote : VoteType::kPrecommit,
             h + rng_adv_.below(3),
             r + static_cast<Round>(rng_adv_.between(1, 40)),
             static_cast<ValidatorIndex>(n.index),
             rng_adv_.chance(0.5) ? Bytes{} : random_hash(),
             {}};
      send_consensus(n.index, to, sign_vote(n, v));
    }
    if ((b & kNonMember) && rng_adv_.chance(0.3)) {
      Vote v{VoteType::kPrevote, h, r, static_cast<ValidatorIndex>(rng_adv_.below(opt_.n + 3)),
             random_hash(),      {}};
      MacSigner outsider(to_bytes("not-a-validator"));
      v.signature = outsider.sign(vote_sign_bytes(kChain, v));
      send_consensus(n.index, to, encode_message(v));
      Proposal p{h, r, kNoRound, static_cast<ValidatorIndex>(n.index), to_bytes("junk"), {}, {}};
      p.value_hash = hasher_.hash(p.value);
      send_consensus(n.index, to, sign_proposal(n, p));  // usually not the round's proposer
    }
    if ((b & kGarbage) && rng_adv_.chance(0.3)) {
      Bytes g;
      if (!n.seen.empty() && rng_adv_.chance(0.5)) {
        g = n.seen[rng_adv_.below(n.seen.size())];
        for (int k = 0; k < 3; ++k)
          g[rng_adv_.below(g.size())] ^= static_cast<std::uint8_t>(rng_adv_.next() | 1);
      } else {
        g.resize(rng_adv_.below(120));
        for (auto& x : g) x = static_cast<std::uint8_t>(rng_adv_.next());
      }
      send_consensus(n.index, to, std::move(g));
    }
  }

  // ---- dispatch ----------------------------------------------------------------------------
  bool deliverable(Node& n, const SimEvent& ev) {
    if (!n.up || !n.core) return false;
    if (ev.kind != SimEvent::Kind::kDeliver && ev.incarnation != n.incarnation) return false;
    if (n.paused) {
      n.held.push_back(ev);
      return false;
    }
    return true;
  }

  void dispatch(const SimEvent& ev) {
    switch (ev.kind) {
      case SimEvent::Kind::kDeliver: {
        Node& n = nodes_[ev.node];
        if (deliverable(n, ev)) on_packet(n, ev.from, *ev.packet);
        break;
      }
      case SimEvent::Kind::kTimer: {
        Node& n = nodes_[ev.node];
        if (deliverable(n, ev)) step(n, TimeoutFired{ev.timeout, ev.height, ev.round});
        break;
      }
      case SimEvent::Kind::kTick: {
        Node& n = nodes_[ev.node];
        if (!n.up || ev.incarnation != n.incarnation) break;
        SimEvent next = ev;
        push(now_ + local(n, kTickMs), std::move(next));
        if (n.paused) break;  // a stopped process does not tick; the next tick will
        step(n, Tick{});
        if (!n.core) break;
        auto p = std::make_shared<Packet>();
        p->kind = Packet::Kind::kStatus;
        p->height = n.chain.size() + 1;
        for (int to = 0; to < opt_.n; ++to)
          if (to != n.index) send(n.index, to, p);
        break;
      }
      case SimEvent::Kind::kAppBuild: {
        Node& n = nodes_[ev.node];
        if (!deliverable(n, ev) || n.core->height() != ev.height) break;
        Bytes v = build_block(n, ev.height);
        Bytes h = hasher_.hash(v);
        step(n, ProposalReady{ev.height, ev.round, std::move(v), std::move(h)});
        break;
      }
      case SimEvent::Kind::kAppCheck: {
        Node& n = nodes_[ev.node];
        if (!deliverable(n, ev)) break;
        const bool ok = valid_block(n, ev.height, ev.value);
        step(n, ProposalChecked{ev.height, ev.round, ev.hash, ok});
        break;
      }
      case SimEvent::Kind::kCrash: {
        Node& n = nodes_[ev.node];
        if (!n.up) break;
        if (ev.crash_point < 0 || ev.wipe)
          crash(n, ev.wipe);
        else
          n.crash_point = ev.crash_point;
        SimEvent restart;
        restart.kind = SimEvent::Kind::kRestart;
        restart.node = ev.node;
        push(now_ + ev.duration, std::move(restart));
        break;
      }
      case SimEvent::Kind::kRestart: {
        Node& n = nodes_[ev.node];
        if (n.up && n.crash_point >= 0) crash(n, false);  // armed point never reached: crash now
        if (!n.up && !n.stopped) boot(n);
        break;
      }
      case SimEvent::Kind::kPause: {
        Node& n = nodes_[ev.node];
        if (!n.up || n.paused) break;
        n.paused = true;
        SimEvent resume;
        resume.kind = SimEvent::Kind::kResume;
        resume.node = ev.node;
        resume.incarnation = n.incarnation;
        push(now_ + ev.duration, std::move(resume));
        break;
      }
      case SimEvent::Kind::kResume: {
        Node& n = nodes_[ev.node];
        if (!n.up || !n.paused || n.incarnation != ev.incarnation) break;
        resume(n);
        break;
      }
      case SimEvent::Kind::kPartition: {
        for (auto [a, b] : ev.links) net_.cut(a, b);
        SimEvent repair = ev;
        repair.kind = SimEvent::Kind::kRepair;
        push(now_ + ev.duration, std::move(repair));
        break;
      }
      case SimEvent::Kind::kRepair:
        if (!healed_)
          for (auto [a, b] : ev.links) net_.restore(a, b);
        break;
      case SimEvent::Kind::kClog:
        for (auto [a, b] : ev.links) net_.clog(a, b, now_ + ev.duration);
        break;
      case SimEvent::Kind::kArmIsolation:
        isolate_armed_ = true;
        break;
      case SimEvent::Kind::kHeal:
        heal();
        break;
    }
  }

  void resume(Node& n) {
    n.paused = false;
    std::vector<SimEvent> held;
    held.swap(n.held);
    for (auto& e : held) {
      if (!n.up || n.paused) break;
      dispatch(e);
    }
  }

  void on_packet(Node& n, int from, const Packet& p) {
    switch (p.kind) {
      case Packet::Kind::kConsensus: {
        auto m = decode_message(p.bytes);
        if (!m.ok()) {
          ++result_.garbage;
          return;
        }
        step(n, Received{std::move(m).value()});
        return;
      }
      case Packet::Kind::kStatus: {
        const Height mine = n.chain.size() + 1;
        if (p.height > mine && (!n.sync_pending || now_ > n.sync_sent_at + 1000)) {
          n.sync_pending = true;
          n.sync_sent_at = now_;
          auto req = std::make_shared<Packet>();
          req->kind = Packet::Kind::kSyncRequest;
          req->height = mine;
          send(n.index, from, req);
        }
        return;
      }
      case Packet::Kind::kSyncRequest: {
        auto resp = std::make_shared<Packet>();
        resp->kind = Packet::Kind::kSyncResponse;
        for (Height h = p.height; h < p.height + kSyncBatch; ++h) {
          auto it = n.disk.blocks.find(h);
          if (it == n.disk.blocks.end()) break;
          Bytes cert = encode_certificate(it->second.second);
          if (n.byzantine && (n.behaviors & kGarbage) && rng_adv_.chance(0.5))
            cert[cert.size() - 1] ^= 1;  // a forged certificate the core must refuse
          resp->blocks.push_back({it->second.first, std::move(cert)});
        }
        if (!resp->blocks.empty()) send(n.index, from, resp);
        return;
      }
      case Packet::Kind::kSyncResponse: {
        n.sync_pending = false;
        for (const auto& [value, cert_bytes] : p.blocks) {
          if (!n.core || !n.up || n.paused) return;
          auto cert = decode_certificate(cert_bytes);
          if (!cert.ok()) {
            ++result_.garbage;
            return;
          }
          if (cert->height != n.chain.size() + 1) continue;  // already have it / not next
          step(n, SyncedBlock{value, std::move(cert).value()});
        }
        return;
      }
    }
  }

  // ---- faults ------------------------------------------------------------------------------
  int random_honest() {
    std::vector<int> honest;
    for (const auto& n : nodes_)
      if (!n.byzantine) honest.push_back(n.index);
    return honest[rng_faults_.below(honest.size())];
  }

  void plan_faults() {
    const std::uint32_t f = opt_.faults;
    const int count = static_cast<int>(rng_faults_.between(2, 8));
    std::vector<std::uint32_t> kinds;
    for (std::uint32_t k : {kPartition, kIsolateProposer, kClog, kCrash, kPause, kWipe})
      if (f & k) kinds.push_back(k);
    if (kinds.empty()) return;
    for (int i = 0; i < count; ++i) {
      const std::uint64_t at = rng_faults_.between(1, heal_at_ - 1);
      const std::uint32_t kind = kinds[rng_faults_.below(kinds.size())];
      SimEvent ev;
      ev.duration = rng_faults_.between(100, 3000);
      switch (kind) {
        case kPartition: {
          ev.kind = SimEvent::Kind::kPartition;
          std::vector<bool> side(opt_.n);
          for (int k = 0; k < opt_.n; ++k) side[k] = rng_faults_.chance(0.5);
          const bool asymmetric = rng_faults_.chance(0.4);
          for (int a = 0; a < opt_.n; ++a)
            for (int b = 0; b < opt_.n; ++b)
              if (a != b && side[a] != side[b] && (!asymmetric || side[a]))
                ev.links.push_back({a, b});
          break;
        }
        case kIsolateProposer:
          ev.kind = SimEvent::Kind::kArmIsolation;
          break;
        case kClog: {
          ev.kind = SimEvent::Kind::kClog;
          const int links = static_cast<int>(rng_faults_.between(1, opt_.n));
          for (int k = 0; k < links; ++k) {
            const int a = static_cast<int>(rng_faults_.below(opt_.n));
            const int b = static_cast<int>(rng_faults_.below(opt_.n));
            if (a != b) ev.links.push_back({a, b});
          }
          break;
        }
        case kCrash:
          ev.kind = SimEvent::Kind::kCrash;
          ev.node = random_honest();
          ev.crash_point = static_cast<int>(rng_faults_.between(0, 4)) - 1;
          break;
        case kPause:
          ev.kind = SimEvent::Kind::kPause;
          ev.node = random_honest();
          break;
        case kWipe: {
          ev.kind = SimEvent::Kind::kCrash;
          ev.node = random_honest();
          // Beyond the fault budget (in power) it is a plain crash.
          const Power p = power_[static_cast<std::size_t>(ev.node)];
          ev.wipe = 3 * (wiped_power_ + p) < budget_power_ && !wiped_[ev.node];
          if (ev.wipe) {
            wiped_power_ += p;
            wiped_[ev.node] = true;
          }
          break;
        }
      }
      push(at, std::move(ev));
    }
  }

  void heal() {
    healed_ = true;
    isolate_armed_ = false;
    net_.heal();
    // Liveness bite: nodes that never come back. Highest index first, so no random draw moves.
    int stop = opt_.stop_at_heal;
    for (int i = opt_.n - 1; i >= 0 && stop > 0; --i) {
      Node& n = nodes_[i];
      if (n.byzantine) continue;
      if (n.up) crash(n, false);
      n.stopped = true;
      --stop;
    }
    for (auto& n : nodes_) {
      if (n.byzantine || n.stopped) continue;
      if (n.up && n.crash_point >= 0) crash(n, false);
      if (!n.up) boot(n);
      if (n.paused) resume(n);
    }
    liveness_target_ = max_honest_height_ + opt_.liveness_heights;
  }

  // Over the nodes that run: a stopped node cannot make progress, the others must.
  bool liveness_reached() const {
    for (const auto& n : nodes_)
      if (!n.byzantine && !n.stopped && n.chain.size() < liveness_target_) return false;
    return true;
  }

  SimOptions opt_;
  Prng root_;
  Prng rng_faults_;
  Prng rng_app_;
  Prng rng_adv_;
  Network net_;
  int f_;
  MacVerifier verifier_;
  FnvHasher hasher_;
  std::optional<ValidatorSet> set_;
  std::optional<Checker> checker_;
  std::vector<Node> nodes_;
  std::vector<Entry> queue_;
  std::uint64_t seq_ = 0;
  std::uint64_t now_ = 0;
  std::uint64_t heal_at_ = 0;
  bool healed_ = false;
  bool isolate_armed_ = false;
  std::uint64_t max_honest_height_ = 0;
  std::uint64_t liveness_target_ = 0;
  std::map<std::pair<Height, Round>, std::pair<Bytes, Bytes>> alts_;
  std::vector<Power> power_;
  Power budget_power_ = 0;
  Power wiped_power_ = 0;
  std::map<int, bool> wiped_;
  SimResult result_;
};

}  // namespace

SimResult run_simulation(const SimOptions& options) {
  return Simulation(options).run();
}

}  // namespace rl::consensus::sim
