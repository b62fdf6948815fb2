// Randomly mutated vault logs (topics, data, lengths) never crash the decoder, and whatever it
// decodes is an event that replay's log format carries unchanged (event_to_json_line read back
// by parse_event_line gives the same identity). A bounded, deterministic stand-in for a
// libFuzzer target, run with every test build (and under ASan).
#include <gtest/gtest.h>

#include <random>

#include "adapters/evm/vault_log.h"
#include "tests/adapters/abi_log.h"
#include "tests/adapters/test_genesis.h"
#include "vault/sha256.h"
#include "wire/event_log.h"

namespace relay::evm {
namespace {

using namespace testing;

TEST(VaultLogFuzzTest, MutatedLogsNeverCrashAndDecodedOnesRoundTripThroughTheLogFormat) {
  Genesis genesis = test_genesis();
  VaultLogDecoder decoder(genesis, 0);
  Address vault = genesis.chains[0].vault;
  Hash32 account = word(0xacc);
  std::vector<Log> seeds = {
      deposited(vault, 3, 1, addr(0xaa), account, addr(0xbb), word(77)),
      withdrawal_requested(vault, 4, 0, account, "USDC", word(5), 31338, addr(0xcc)),
      withdrawal_requested(vault, 4, 1, account, std::string(40, 'x'), word(5), 9, addr(0xcc)),
      withdrawal_claimed(vault, 5, 2, word(0x1d), addr(0xcc), addr(0), 9),
  };
  std::mt19937_64 rng(7);
  Sha256 h1, h2;
  int decoded = 0;
  for (int round = 0; round < 10000; ++round) {
    Log log = seeds[size_t(round) % seeds.size()];
    const int edits = 1 + int(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 5) {
        case 0:
          if (!log.data.empty()) log.data[rng() % log.data.size()] ^= uint8_t(1u << (rng() % 8));
          break;
        case 1: log.data.resize(rng() % (log.data.size() + 40)); break;
        case 2:
          if (!log.topics.empty())
            log.topics[rng() % log.topics.size()].bytes[rng() % 32] ^= uint8_t(1u << (rng() % 8));
          break;
        case 3: log.topics.resize(rng() % 5); break;
        case 4:
          // A small value in a random word: lengths and offsets that look plausible.
          if (log.data.size() >= 32) {
            size_t w = rng() % (log.data.size() / 32);
            std::fill_n(log.data.begin() + ptrdiff_t(32 * w), 32, 0);
            log.data[32 * w + 31] = uint8_t(rng());
          }
          break;
      }
    }
    auto e = decoder.decode(log);
    if (!e) {
      EXPECT_EQ(e.error().message.rfind("block " + std::to_string(log.block_number) + " log ", 0), 0u);
      continue;
    }
    ++decoded;
    auto back = parse_event_line(event_to_json_line(*e));
    ASSERT_TRUE(back) << back.error().message << "\n" << event_to_json_line(*e);
    ASSERT_EQ(event_identity(back->event, h1), event_identity(*e, h2));
  }
  EXPECT_GT(decoded, 100);  // the mutations leave enough logs decodable to test the round trip
}

}  // namespace
}  // namespace relay::evm
