#include "consensus/codec.hpp"

#include <string>

namespace rl::consensus {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kKindProposal = 1;
constexpr std::uint8_t kKindVote = 2;
constexpr std::uint8_t kEvidenceDuplicateVote = 1;
constexpr std::uint32_t kNoRoundWire = 0xFFFFFFFFu;

Error decode_error(std::string what) {
  return make_error("malformed_consensus_bytes", what);
}

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    out_.push_back(static_cast<std::uint8_t>(v >> 8));
    out_.push_back(static_cast<std::uint8_t>(v));
  }
  void u32(std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out_.push_back(static_cast<std::uint8_t>(v >> s));
  }
  void u64(std::uint64_t v) { append_u64_be(out_, v); }
  void round(Round r) { u32(static_cast<std::uint32_t>(r)); }
  void opt_round(Round r) { u32(r < 0 ? kNoRoundWire : static_cast<std::uint32_t>(r)); }
  void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void hash(ByteView b) {
    u8(static_cast<std::uint8_t>(b.size()));
    raw(b);
  }
  void sig(ByteView b) {
    u16(static_cast<std::uint16_t>(b.size()));
    raw(b);
  }
  void blob(ByteView b) {
    u32(static_cast<std::uint32_t>(b.size()));
    raw(b);
  }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}

  Result<std::uint64_t> uint(std::size_t width, const char* field) {
    if (in_.size() - pos_ < width) return decode_error(std::string("truncated ") + field);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | in_[pos_ + i];
    pos_ += width;
    return v;
  }
  Result<Bytes> bytes(std::size_t len, std::size_t max, const char* field) {
    if (len > max) return decode_error(std::string(field) + " too long");
    if (in_.size() - pos_ < len) return decode_error(std::string("truncated ") + field);
    Bytes b(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
            in_.begin() + static_cast<std::ptrdiff_t>(pos_ + len));
    pos_ += len;
    return b;
  }
  Result<Bytes> hash(const char* field) {
    RL_ASSIGN_OR_RETURN(auto len, uint(1, field));
    return bytes(len, kMaxHashBytes, field);
  }
  Result<Bytes> sig(const char* field) {
    RL_ASSIGN_OR_RETURN(auto len, uint(2, field));
    return bytes(len, kMaxSignatureBytes, field);
  }
  Result<Bytes> blob(const char* field) {
    RL_ASSIGN_OR_RETURN(auto len, uint(4, field));
    return bytes(len, kMaxValueBytes, field);
  }
  Result<Round> round(const char* field) {
    RL_ASSIGN_OR_RETURN(auto r, uint(4, field));
    if (r >= static_cast<std::uint64_t>(kMaxRound))
      return decode_error(std::string(field) + " out of range");
    return static_cast<Round>(r);
  }
  Result<Round> opt_round(const char* field) {
    RL_ASSIGN_OR_RETURN(auto r, uint(4, field));
    if (r == kNoRoundWire) return kNoRound;
    if (r >= static_cast<std::uint64_t>(kMaxRound))
      return decode_error(std::string(field) + " out of range");
    return static_cast<Round>(r);
  }
  Status finish() const {
    if (pos_ != in_.size()) return decode_error("trailing bytes");
    return {};
  }

 private:
  ByteView in_;
  std::size_t pos_ = 0;
};

void write_vote(Writer& w, const Vote& v) {
  w.u8(static_cast<std::uint8_t>(v.type));
  w.u64(v.height);
  w.round(v.round);
  w.u32(v.validator);
  w.hash(v.value_hash);
  w.sig(v.signature);
}

Result<Vote> read_vote(Reader& r) {
  Vote v;
  RL_ASSIGN_OR_RETURN(auto type, r.uint(1, "vote type"));
  if (type != 1 && type != 2) return decode_error("unknown vote type");
  v.type = static_cast<VoteType>(type);
  RL_ASSIGN_OR_RETURN(v.height, r.uint(8, "vote height"));
  RL_ASSIGN_OR_RETURN(v.round, r.round("vote round"));
  RL_ASSIGN_OR_RETURN(auto validator, r.uint(4, "vote validator"));
  v.validator = static_cast<ValidatorIndex>(validator);
  RL_ASSIGN_OR_RETURN(v.value_hash, r.hash("vote value hash"));
  RL_ASSIGN_OR_RETURN(v.signature, r.sig("vote signature"));
  return v;
}

void write_proposal(Writer& w, const Proposal& p) {
  w.u64(p.height);
  w.round(p.round);
  w.opt_round(p.pol_round);
  w.u32(p.proposer);
  w.hash(p.value_hash);
  w.blob(p.value);
  w.sig(p.signature);
}

Result<Proposal> read_proposal(Reader& r) {
  Proposal p;
  RL_ASSIGN_OR_RETURN(p.height, r.uint(8, "proposal height"));
  RL_ASSIGN_OR_RETURN(p.round, r.round("proposal round"));
  RL_ASSIGN_OR_RETURN(p.pol_round, r.opt_round("proposal pol round"));
  if (p.pol_round >= p.round) return decode_error("proposal pol round not below its round");
  RL_ASSIGN_OR_RETURN(auto proposer, r.uint(4, "proposer"));
  p.proposer = static_cast<ValidatorIndex>(proposer);
  RL_ASSIGN_OR_RETURN(p.value_hash, r.hash("proposal value hash"));
  if (p.value_hash.empty()) return decode_error("proposal without value hash");
  RL_ASSIGN_OR_RETURN(p.value, r.blob("proposal value"));
  RL_ASSIGN_OR_RETURN(p.signature, r.sig("proposal signature"));
  return p;
}

}  // namespace

Bytes encode_message(const Message& m) {
  Writer w;
  w.u8(kVersion);
  if (const auto* p = std::get_if<Proposal>(&m)) {
    w.u8(kKindProposal);
    write_proposal(w, *p);
  } else {
    w.u8(kKindVote);
    write_vote(w, std::get<Vote>(m));
  }
  return w.take();
}

Result<Message> decode_message(ByteView bytes) {
  Reader r(bytes);
  RL_ASSIGN_OR_RETURN(auto version, r.uint(1, "message version"));
  if (version != kVersion) return decode_error("unknown message version");
  RL_ASSIGN_OR_RETURN(auto kind, r.uint(1, "message kind"));
  if (kind == kKindProposal) {
    RL_ASSIGN_OR_RETURN(auto p, read_proposal(r));
    RL_TRY(r.finish());
    return Message{std::move(p)};
  }
  if (kind == kKindVote) {
    RL_ASSIGN_OR_RETURN(auto v, read_vote(r));
    RL_TRY(r.finish());
    return Message{std::move(v)};
  }
  return decode_error("unknown message kind");
}

Bytes encode_certificate(const CommitCertificate& c) {
  Writer w;
  w.u8(kVersion);
  w.u64(c.height);
  w.round(c.round);
  w.hash(c.block_hash);
  w.u16(static_cast<std::uint16_t>(c.signatures.size()));
  for (const auto& s : c.signatures) {
    w.u32(s.validator);
    w.sig(s.signature);
  }
  return w.take();
}

Result<CommitCertificate> decode_certificate(ByteView bytes) {
  Reader r(bytes);
  RL_ASSIGN_OR_RETURN(auto version, r.uint(1, "certificate version"));
  if (version != kVersion) return decode_error("unknown certificate version");
  CommitCertificate c;
  RL_ASSIGN_OR_RETURN(c.height, r.uint(8, "certificate height"));
  RL_ASSIGN_OR_RETURN(c.round, r.round("certificate round"));
  RL_ASSIGN_OR_RETURN(c.block_hash, r.hash("certificate block hash"));
  if (c.block_hash.empty()) return decode_error("certificate for nil");
  RL_ASSIGN_OR_RETURN(auto count, r.uint(2, "certificate count"));
  if (count > kMaxValidators) return decode_error("too many certificate signatures");
  for (std::uint64_t i = 0; i < count; ++i) {
    CertificateSignature s;
    RL_ASSIGN_OR_RETURN(auto validator, r.uint(4, "certificate validator"));
    s.validator = static_cast<ValidatorIndex>(validator);
    if (!c.signatures.empty() && s.validator <= c.signatures.back().validator)
      return decode_error("certificate validators not strictly increasing");
    RL_ASSIGN_OR_RETURN(s.signature, r.sig("certificate signature"));
    c.signatures.push_back(std::move(s));
  }
  RL_TRY(r.finish());
  return c;
}

Bytes encode_evidence(const DuplicateVoteEvidence& e) {
  Writer w;
  w.u8(kVersion);
  w.u8(kEvidenceDuplicateVote);
  write_vote(w, e.first);
  write_vote(w, e.second);
  return w.take();
}

Result<DuplicateVoteEvidence> decode_evidence(ByteView bytes) {
  Reader r(bytes);
  RL_ASSIGN_OR_RETURN(auto version, r.uint(1, "evidence version"));
  if (version != kVersion) return decode_error("unknown evidence version");
  RL_ASSIGN_OR_RETURN(auto kind, r.uint(1, "evidence kind"));
  if (kind != kEvidenceDuplicateVote) return decode_error("unknown evidence kind");
  DuplicateVoteEvidence e;
  RL_ASSIGN_OR_RETURN(e.first, read_vote(r));
  RL_ASSIGN_OR_RETURN(e.second, read_vote(r));
  RL_TRY(r.finish());
  return e;
}

Bytes encode_safety_state(const SafetyState& s) {
  Writer w;
  w.u8(kVersion);
  w.u64(s.height);
  w.round(s.round);
  w.u8(static_cast<std::uint8_t>(s.step));
  w.opt_round(s.locked_round);
  w.blob(s.locked_value);
  w.hash(s.locked_hash);
  w.opt_round(s.valid_round);
  w.blob(s.valid_value);
  w.hash(s.valid_hash);
  w.u8(s.last_vote ? 1 : 0);
  if (s.last_vote) write_vote(w, *s.last_vote);
  w.u8(static_cast<std::uint8_t>(s.recent_votes.size()));
  for (const auto& v : s.recent_votes) write_vote(w, v);
  w.u16(static_cast<std::uint16_t>(s.valid_pol.size()));
  for (const auto& v : s.valid_pol) write_vote(w, v);
  w.u8(s.last_proposal ? 1 : 0);
  if (s.last_proposal) write_proposal(w, *s.last_proposal);
  return w.take();
}

Result<SafetyState> decode_safety_state(ByteView bytes) {
  Reader r(bytes);
  RL_ASSIGN_OR_RETURN(auto version, r.uint(1, "safety state version"));
  if (version != kVersion) return decode_error("unknown safety state version");
  SafetyState s;
  RL_ASSIGN_OR_RETURN(s.height, r.uint(8, "height"));
  RL_ASSIGN_OR_RETURN(s.round, r.round("round"));
  RL_ASSIGN_OR_RETURN(auto step, r.uint(1, "step"));
  if (step > 2) return decode_error("unknown step");
  s.step = static_cast<Step>(step);
  RL_ASSIGN_OR_RETURN(s.locked_round, r.opt_round("locked round"));
  RL_ASSIGN_OR_RETURN(s.locked_value, r.blob("locked value"));
  RL_ASSIGN_OR_RETURN(s.locked_hash, r.hash("locked hash"));
  RL_ASSIGN_OR_RETURN(s.valid_round, r.opt_round("valid round"));
  RL_ASSIGN_OR_RETURN(s.valid_value, r.blob("valid value"));
  RL_ASSIGN_OR_RETURN(s.valid_hash, r.hash("valid hash"));
  RL_ASSIGN_OR_RETURN(auto has_vote, r.uint(1, "has vote"));
  if (has_vote > 1) return decode_error("bad flag");
  if (has_vote) {
    RL_ASSIGN_OR_RETURN(auto v, read_vote(r));
    s.last_vote = std::move(v);
  }
  RL_ASSIGN_OR_RETURN(auto recent, r.uint(1, "recent vote count"));
  if (recent > 8) return decode_error("too many recent votes");
  for (std::uint64_t i = 0; i < recent; ++i) {
    RL_ASSIGN_OR_RETURN(auto v, read_vote(r));
    s.recent_votes.push_back(std::move(v));
  }
  RL_ASSIGN_OR_RETURN(auto pol, r.uint(2, "valid pol count"));
  if (pol > kMaxValidators) return decode_error("too many valid pol votes");
  for (std::uint64_t i = 0; i < pol; ++i) {
    RL_ASSIGN_OR_RETURN(auto v, read_vote(r));
    s.valid_pol.push_back(std::move(v));
  }
  RL_ASSIGN_OR_RETURN(auto has_prop, r.uint(1, "has proposal"));
  if (has_prop > 1) return decode_error("bad flag");
  if (has_prop) {
    RL_ASSIGN_OR_RETURN(auto p, read_proposal(r));
    s.last_proposal = std::move(p);
  }
  RL_TRY(r.finish());
  return s;
}

}  // namespace rl::consensus
