// The wire codec on its own: frame headers, stream decoding, control messages, backoff.

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <variant>

#include "node/p2p/backoff.hpp"
#include "node/p2p/frame.hpp"

namespace rl::p2p {
namespace {

constexpr std::size_t kMax = 1024;

FrameHeaderBytes header_of(std::uint32_t length, std::uint8_t channel) {
  return {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length), channel};
}

TEST(P2pFrame, HeaderIsBigEndianLengthOfChannelPlusPayload) {
  auto h = encode_frame_header(Channel::kTx, 0x010203);
  EXPECT_EQ(h, (FrameHeaderBytes{0x00, 0x01, 0x02, 0x04, 0x02}));
  Bytes f = encode_frame(Channel::kStatus, to_bytes("abc"));
  EXPECT_EQ(f, (Bytes{0, 0, 0, 4, 5, 'a', 'b', 'c'}));
}

TEST(P2pFrame, RoundTripsEveryChannelAndEmptyPayload) {
  for (std::uint8_t c = 0; c <= kMaxChannel; ++c) {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, kMax}) {
      Bytes payload(n, static_cast<std::uint8_t>(0xA0 + c));
      Bytes wire = encode_frame(static_cast<Channel>(c), payload);
      auto step = decode_frame(wire, kMax);
      ASSERT_TRUE(step.ok()) << step.error().to_string();
      ASSERT_TRUE(step->frame.has_value());
      EXPECT_EQ(step->consumed, wire.size());
      EXPECT_EQ(static_cast<std::uint8_t>(step->frame->channel), c);
      EXPECT_EQ(step->frame->payload, payload);
    }
  }
}

TEST(P2pFrame, EveryProperPrefixNeedsMoreBytes) {
  Bytes wire = encode_frame(Channel::kConsensus, to_bytes("hello, world"));
  for (std::size_t n = 0; n < wire.size(); ++n) {
    auto step = decode_frame(ByteView(wire.data(), n), kMax);
    ASSERT_TRUE(step.ok()) << n;
    EXPECT_FALSE(step->frame.has_value()) << n;
    EXPECT_EQ(step->consumed, 0u);
  }
}

TEST(P2pFrame, ConsecutiveFramesDecodeInOrder) {
  Bytes wire = encode_frame(Channel::kTx, to_bytes("one"));
  Bytes second = encode_frame(Channel::kSyncRequest, to_bytes("two!"));
  wire.insert(wire.end(), second.begin(), second.end());
  auto first = decode_frame(wire, kMax);
  ASSERT_TRUE(first.ok() && first->frame);
  EXPECT_EQ(to_string(first->frame->payload), "one");
  auto rest = decode_frame(ByteView(wire).subspan(first->consumed), kMax);
  ASSERT_TRUE(rest.ok() && rest->frame);
  EXPECT_EQ(rest->frame->channel, Channel::kSyncRequest);
  EXPECT_EQ(to_string(rest->frame->payload), "two!");
  EXPECT_EQ(first->consumed + rest->consumed, wire.size());
}

TEST(P2pFrame, LengthLimitIsOnThePayloadAndCheckedFromTheHeaderAlone) {
  EXPECT_TRUE(decode_frame_header(header_of(kMax + 1, 1), kMax).ok());  // payload == max
  auto over = decode_frame_header(header_of(kMax + 2, 1), kMax);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "frame_too_large");
  // A 4 GiB claim is refused from five bytes; decode_frame does not wait for the body.
  Bytes huge{0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  auto step = decode_frame(huge, kMax);
  ASSERT_FALSE(step.ok());
  EXPECT_EQ(step.error().code, "frame_too_large");
}

TEST(P2pFrame, ZeroLengthAndUnknownChannelsAreErrors) {
  auto empty = decode_frame_header(header_of(0, 1), kMax);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, "frame_empty");
  for (int c : {kMaxChannel + 1, 0x7F, 0xFF}) {
    auto r = decode_frame_header(header_of(1, static_cast<std::uint8_t>(c)), kMax);
    ASSERT_FALSE(r.ok()) << c;
    EXPECT_EQ(r.error().code, "frame_unknown_channel");
  }
}

TEST(P2pControl, HelloRoundTripsWithExactEncoding) {
  Hello in{kProtocolVersion, "chain-a", "node1"};
  auto wire = encode_hello(in);
  ASSERT_TRUE(wire.ok());
  Bytes expected{0x01, 0x00, 0x01, 7,   'c', 'h', 'a', 'i', 'n',
                 '-',  'a',  5,    'n', 'o', 'd', 'e', '1'};
  EXPECT_EQ(*wire, expected);
  auto out = decode_control(*wire);
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  const Hello* h = std::get_if<Hello>(&*out);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->protocol_version, kProtocolVersion);
  EXPECT_EQ(h->chain_id, "chain-a");
  EXPECT_EQ(h->name, "node1");
}

TEST(P2pControl, HelloRejectsEmptyAndOverlongStrings) {
  EXPECT_FALSE(encode_hello(Hello{1, "", "n"}).ok());
  EXPECT_FALSE(encode_hello(Hello{1, "c", ""}).ok());
  EXPECT_FALSE(encode_hello(Hello{1, "c", std::string(256, 'x')}).ok());
  EXPECT_TRUE(encode_hello(Hello{1, std::string(255, 'c'), std::string(255, 'x')}).ok());
}

TEST(P2pControl, MalformedControlMessagesAreRejected) {
  Bytes hello = encode_hello(Hello{1, "chain", "name"}).value();
  for (std::size_t n = 0; n < hello.size(); ++n) {
    auto r = decode_control(ByteView(hello.data(), n));
    ASSERT_FALSE(r.ok()) << "prefix " << n;
    EXPECT_EQ(r.error().code, "control_invalid");
  }
  Bytes trailing = hello;
  trailing.push_back(0);
  EXPECT_FALSE(decode_control(trailing).ok());
  EXPECT_FALSE(decode_control(Bytes{0x01, 0, 1, 0, 1, 'n'}).ok());  // empty chain id
  EXPECT_FALSE(decode_control(Bytes{0x01, 0, 1, 1, 'c', 0}).ok());  // empty name
  EXPECT_FALSE(decode_control(Bytes{0x02, 0x00}).ok());
  EXPECT_FALSE(decode_control(Bytes{0x03, 0x00}).ok());
  EXPECT_FALSE(decode_control(Bytes{0x04}).ok());
  EXPECT_FALSE(decode_control(Bytes{0x00}).ok());
  EXPECT_TRUE(std::holds_alternative<Ping>(decode_control(encode_ping()).value()));
  EXPECT_TRUE(std::holds_alternative<Bye>(decode_control(encode_bye()).value()));
}

TEST(P2pBackoff, GrowsExponentiallyWithinJitterBoundsAndCaps) {
  using std::chrono::milliseconds;
  std::mt19937_64 rng(7);
  const milliseconds lo(100);
  const milliseconds hi(5000);
  for (unsigned failures = 0; failures < 80; ++failures) {
    milliseconds base = lo;
    for (unsigned i = 0; i < failures && base < hi; ++i) base *= 2;
    base = std::min(base, hi);
    for (int trial = 0; trial < 50; ++trial) {
      milliseconds d = backoff_delay(lo, hi, failures, rng);
      EXPECT_GE(d, std::max(base / 2, lo)) << failures;
      EXPECT_LE(d, base) << failures;
    }
  }
  EXPECT_EQ(backoff_delay(lo, lo, 3, rng), lo);
}

TEST(P2pBackoff, JitterActuallyVaries) {
  std::mt19937_64 rng(11);
  std::set<long> seen;
  for (int i = 0; i < 50; ++i) {
    seen.insert(
        backoff_delay(std::chrono::milliseconds(100), std::chrono::milliseconds(5000), 4, rng)
            .count());
  }
  EXPECT_GT(seen.size(), 10u);
}

}  // namespace
}  // namespace rl::p2p
