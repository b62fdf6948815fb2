// Mutation fuzzing of the three message decoders: random byte edits of valid encodings never
// crash a decoder, and whatever decodes re-encodes to bytes that decode to an equal message.
// A bounded, deterministic stand-in for a libFuzzer target, run with every test build (and
// under ASan).
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <random>

#include "tests/wire/message_samples.h"
#include "wire/messages.h"

namespace relay::msg {
namespace {

using namespace test;

// One to three edits: flip a bit, set a byte, insert a byte, erase one, or truncate. Small
// values make plausible tags and lengths.
std::vector<uint8_t> mutate(std::vector<uint8_t> b, std::mt19937_64& rng) {
  const int edits = 1 + int(rng() % 3);
  for (int e = 0; e < edits; ++e) {
    const size_t pos = b.empty() ? 0 : rng() % b.size();
    switch (rng() % 5) {
      case 0:
        if (!b.empty()) b[pos] ^= uint8_t(1u << (rng() % 8));
        break;
      case 1:
        if (!b.empty()) b[pos] = uint8_t(rng() % 4 == 0 ? rng() : rng() % 64);
        break;
      case 2:
        b.insert(b.begin() + ptrdiff_t(pos), uint8_t(rng() % 64));
        break;
      case 3:
        if (!b.empty()) b.erase(b.begin() + ptrdiff_t(pos));
        break;
      case 4:
        b.resize(pos);
        break;
    }
  }
  return b;
}

template <class Message, class Decode, class Encode>
void fuzz(const std::vector<Message>& seeds, Decode decode, Encode encode_fn, uint64_t seed,
          int& decoded) {
  google::protobuf::LogSilencer quiet;  // invalid UTF-8 in string fields is logged by protobuf
  std::mt19937_64 rng(seed);
  decoded = 0;
  for (int round = 0; round < 4000; ++round) {
    auto bytes = mutate(encode_fn(seeds[size_t(round) % seeds.size()]), rng);
    auto d = decode(bytes);
    if (!d) {
      EXPECT_FALSE(d.error().message.empty());
      continue;
    }
    ++decoded;
    auto again = decode(encode_fn(*d));
    ASSERT_TRUE(again) << "round " << round << ": " << again.error().message;
    EXPECT_TRUE(*again == *d) << "round " << round;
  }
}

TEST(MessagesFuzz, MutatedAdapterMessagesNeverCrashAndRoundTrip) {
  Genesis g = test_genesis();
  int decoded = 0;
  fuzz(
      sample_adapter_messages(),
      [&](const std::vector<uint8_t>& b) { return decode_adapter_message(b, g, 0); },
      [&](const AdapterMessage& m) { return encode(m, g); }, 11, decoded);
  EXPECT_GT(decoded, 200);  // enough mutations decode to test the round trip
}

TEST(MessagesFuzz, MutatedNodeMessagesNeverCrashAndRoundTrip) {
  int decoded = 0;
  fuzz(
      sample_node_messages(), [](const std::vector<uint8_t>& b) { return decode_node_message(b); },
      [](const NodeMessage& m) { return encode(m); }, 12, decoded);
  EXPECT_GT(decoded, 200);
}

TEST(MessagesFuzz, MutatedPeerMessagesNeverCrashAndRoundTrip) {
  int decoded = 0;
  fuzz(
      sample_peer_messages(), [](const std::vector<uint8_t>& b) { return decode_peer_message(b); },
      [](const PeerMessage& m) { return encode(m); }, 13, decoded);
  EXPECT_GT(decoded, 200);
}

}  // namespace
}  // namespace relay::msg
