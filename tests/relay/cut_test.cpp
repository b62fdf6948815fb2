// relay/cut.h: the cut rule of docs/node.md "Epochs and the cut" — shared timestamps, jumps
// over several epochs (cuts that do not move), a chain whose first block is already past T_e,
// start_block > 0, decreasing timestamps and broken continuity refused, what an undecided epoch
// waits for, restarts from a stored cut, and a property: any chunking and interleaving of the
// same blocks gives the same cuts as a direct reading of the rule.
#include "relay/cut.h"

#include <gtest/gtest.h>

#include <random>

#include "vault/sha256.h"

namespace relay::node {
namespace {

constexpr uint64_t kStart = 1000, kSeconds = 10;  // T_e = 1010 + 10 e

Hash32 block_hash(size_t chain, uint64_t height) {
  Sha256 h;
  h.update_be32(uint32_t(chain)).update_be32(uint32_t(height));
  return h.finish();
}

// Consecutive blocks of `chain` from `first`, one per timestamp.
std::vector<BlockRecord> blocks(size_t chain, uint64_t first, std::vector<uint64_t> timestamps) {
  std::vector<BlockRecord> out;
  for (size_t i = 0; i < timestamps.size(); ++i) {
    BlockRecord b;
    b.height = first + i;
    b.hash = block_hash(chain, b.height);
    b.parent_hash = block_hash(chain, b.height - 1);
    b.timestamp = timestamps[i];
    b.event_count = b.height;
    out.push_back(b);
  }
  return out;
}

CutEngine engine(size_t chains, std::vector<uint64_t> start_blocks = {}) {
  std::vector<CutEngine::ChainStart> s(chains);
  for (size_t i = 0; i < start_blocks.size(); ++i) s[i].start_block = start_blocks[i];
  return CutEngine(kStart, kSeconds, 0, s);
}

std::optional<uint64_t> height(const Cut& c) {
  return c ? std::optional<uint64_t>(c->height) : std::nullopt;
}

CutEngine::Decided decided(const CutEngine& e) {
  auto d = e.decide();
  if (!std::holds_alternative<CutEngine::Decided>(d)) {
    ADD_FAILURE() << "epoch " << e.next_epoch() << " is not decided";
    return {};
  }
  return std::get<CutEngine::Decided>(d);
}

std::vector<size_t> waiting_for(const CutEngine& e) {
  auto d = e.decide();
  if (!std::holds_alternative<CutEngine::Waiting>(d)) return {};
  return std::get<CutEngine::Waiting>(d).chains;
}

TEST(CutEngine, EpochEndTimesFollowTheSchedule) {
  CutEngine e = engine(1);
  EXPECT_EQ(e.end_time(0), 1010u);
  EXPECT_EQ(e.end_time(7), 1080u);
  EXPECT_EQ(e.end_time(UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(CutEngine(UINT64_MAX - 5, 10, 0, {}).end_time(0), UINT64_MAX);
}

TEST(CutEngine, ManyBlocksSharingOneTimestampAreCutTogether) {
  CutEngine e = engine(1);
  ASSERT_TRUE(e.add(0, blocks(0, 0, {1005, 1010, 1010, 1010})));
  EXPECT_EQ(waiting_for(e), std::vector<size_t>{0}) << "a later block at 1010 could still come";
  ASSERT_TRUE(e.add(0, blocks(0, 4, {1011, 1011, 1020, 1021})));
  auto d0 = decided(e);
  EXPECT_EQ(d0.epoch, 0u);
  EXPECT_EQ(d0.end_time, 1010u);
  EXPECT_EQ(height(d0.chains[0].previous), std::nullopt);
  EXPECT_EQ(height(d0.chains[0].cut), 3u) << "all three blocks at T_0, none after";
  e.advance(d0);
  auto d1 = decided(e);
  EXPECT_EQ(height(d1.chains[0].previous), 3u);
  EXPECT_EQ(height(d1.chains[0].cut), 6u);
  e.advance(d1);
  EXPECT_EQ(waiting_for(e), std::vector<size_t>{0});
  EXPECT_EQ(height(e.last_block(0)), 7u);
}

TEST(CutEngine, AJumpInTimestampsGivesEpochsWhoseCutsDoNotMove) {
  CutEngine e = engine(1);
  ASSERT_TRUE(e.add(0, blocks(0, 0, {1005, 1055, 1056})));
  auto d = decided(e);
  EXPECT_EQ(height(d.chains[0].cut), 0u);
  e.advance(d);
  for (uint64_t epoch = 1; epoch <= 4; ++epoch) {  // T = 1020 .. 1050: nothing new
    d = decided(e);
    EXPECT_EQ(d.epoch, epoch);
    EXPECT_FALSE(d.chains[0].moved()) << "epoch " << epoch;
    EXPECT_EQ(height(d.chains[0].cut), 0u);
    e.advance(d);
  }
  EXPECT_EQ(waiting_for(e), std::vector<size_t>{0}) << "epoch 5 (T 1060) needs a block past 1060";
}

TEST(CutEngine, AChainWhoseFirstBlockIsPastTheEndKeepsTheEmptyCut) {
  CutEngine e = engine(2);
  ASSERT_TRUE(e.add(0, blocks(0, 0, {1100})));
  ASSERT_TRUE(e.add(1, blocks(1, 0, {1001, 1012})));
  auto d = decided(e);
  EXPECT_EQ(d.chains[0].cut, std::nullopt) << "the empty cut does not move";
  EXPECT_FALSE(d.chains[0].moved());
  EXPECT_EQ(height(d.chains[1].cut), 0u);
  e.advance(d);
  EXPECT_EQ(waiting_for(e), std::vector<size_t>{1}) << "only beta lacks a block past 1020";
}

TEST(CutEngine, UndecidedEpochNamesEveryChainItWaitsFor) {
  CutEngine e = engine(3);
  ASSERT_TRUE(e.add(1, blocks(1, 0, {1020})));
  EXPECT_EQ(waiting_for(e), (std::vector<size_t>{0, 2}));
  auto w = std::get<CutEngine::Waiting>(e.decide());
  EXPECT_EQ(w.epoch, 0u);
  EXPECT_EQ(w.end_time, 1010u);
}

TEST(CutEngine, StartBlockAboveZeroIsTheFirstBlock) {
  CutEngine e = engine(1, {50});
  auto below = e.add(0, blocks(0, 49, {1001, 1002}));
  ASSERT_FALSE(below);
  EXPECT_EQ(below.error().kind, CutErrorKind::kBeforeStart);
  auto skipped = e.add(0, blocks(0, 51, {1001}));
  ASSERT_FALSE(skipped);
  EXPECT_EQ(skipped.error().kind, CutErrorKind::kOutOfOrder);
  auto first = blocks(0, 50, {1001, 1009, 1011});
  first[0].parent_hash = Hash32{};  // before start_block nothing is known: any parent
  ASSERT_TRUE(e.add(0, first));
  auto d = decided(e);
  EXPECT_EQ(d.chains[0].previous, std::nullopt);
  EXPECT_EQ(height(d.chains[0].cut), 51u);
}

TEST(CutEngine, ADecreasingTimestampIsRefusedAndTheChainStopsThere) {
  CutEngine e = engine(1);
  ASSERT_TRUE(e.add(0, blocks(0, 0, {1005, 1008})));
  auto r = e.add(0, blocks(0, 2, {1009, 1007, 1030}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, CutErrorKind::kTimestampDecreased);
  EXPECT_NE(r.error().message.find("block 3 has timestamp 1007, older than its parent's 1009"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(height(e.last_block(0)), 1u) << "nothing of the refused call was taken";
  EXPECT_EQ(waiting_for(e), std::vector<size_t>{0}) << "the epoch stalls, it is not decided";
  // Also against the cut itself once the blocks before it are dropped.
  ASSERT_TRUE(e.add(0, blocks(0, 2, {1012})));
  e.advance(decided(e));
  auto older = e.add(0, blocks(0, 3, {1007}));
  ASSERT_FALSE(older);
  EXPECT_EQ(older.error().kind, CutErrorKind::kTimestampDecreased);
}

TEST(CutEngine, BlocksThatDoNotContinueTheChainAreRefused) {
  CutEngine e = engine(1);
  ASSERT_TRUE(e.add(0, blocks(0, 0, {1001})));
  auto gap = e.add(0, blocks(0, 2, {1002}));
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().kind, CutErrorKind::kOutOfOrder);
  auto fork = blocks(0, 1, {1002});
  fork[0].parent_hash = block_hash(9, 0);
  auto r = e.add(0, fork);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, CutErrorKind::kOutOfOrder);
  EXPECT_NE(r.error().message.find("names parent"), std::string::npos);
  EXPECT_FALSE(e.add(7, blocks(7, 0, {1001})));
}

TEST(CutEngine, AnEngineRestartedFromAStoredCutGivesTheSameCuts) {
  const auto chain = blocks(0, 0, {1001, 1004, 1013, 1019, 1025, 1031, 1047, 1052});
  CutEngine whole = engine(1);
  ASSERT_TRUE(whole.add(0, chain));
  std::vector<CutEngine::Decided> all;
  while (std::holds_alternative<CutEngine::Decided>(whole.decide())) {
    all.push_back(std::get<CutEngine::Decided>(whole.decide()));
    whole.advance(all.back());
  }
  ASSERT_EQ(all.size(), 5u);
  // Restart after epoch 1 from its cut, with the blocks after it.
  CutEngine again(kStart, kSeconds, 2, {CutEngine::ChainStart{0, all[1].chains[0].cut}});
  const size_t next = size_t(all[1].chains[0].cut->height + 1);
  ASSERT_TRUE(again.add(0, std::span(chain).subspan(next)));
  for (size_t e = 2; e < all.size(); ++e) {
    auto d = decided(again);
    EXPECT_EQ(d.epoch, all[e].epoch);
    EXPECT_EQ(d.chains[0].cut, all[e].chains[0].cut) << "epoch " << e;
    again.advance(d);
  }
}

// The rule read directly: cut_c(e) is every block with timestamp <= T_e, decided when a block
// past T_e exists; epoch e is decided when every chain's is.
std::vector<std::vector<Cut>> reference_cuts(const std::vector<std::vector<BlockRecord>>& chains) {
  std::vector<std::vector<Cut>> out;
  for (uint64_t e = 0;; ++e) {
    const uint64_t t = kStart + (e + 1) * kSeconds;
    std::vector<Cut> cuts;
    for (const auto& c : chains) {
      size_t n = 0;
      while (n < c.size() && c[n].timestamp <= t) ++n;
      if (n == c.size()) return out;
      cuts.push_back(n == 0 ? Cut() : Cut(c[n - 1]));
    }
    out.push_back(cuts);
  }
}

TEST(CutEngine, AnyChunkingAndArrivalOrderGivesTheCutsTheRuleGives) {
  std::mt19937_64 rng(20261130);
  for (int round = 0; round < 40; ++round) {
    // Three chains with shared timestamps (steps of 0) and jumps over several epochs.
    std::vector<std::vector<BlockRecord>> chains;
    for (size_t c = 0; c < 3; ++c) {
      std::vector<uint64_t> ts;
      uint64_t t = kStart + rng() % 15;
      const size_t n = 20 + rng() % 60;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t r = rng() % 10;
        t += r < 4 ? 0 : r < 9 ? rng() % 6 : 20 + rng() % 40;
        ts.push_back(t);
      }
      chains.push_back(blocks(c, 0, ts));
    }
    const auto want = reference_cuts(chains);
    ASSERT_FALSE(want.empty());
    for (int order = 0; order < 5; ++order) {
      CutEngine e = engine(3);
      std::vector<size_t> sent(3, 0);
      std::vector<std::vector<Cut>> got;
      auto drain = [&] {
        while (std::holds_alternative<CutEngine::Decided>(e.decide())) {
          auto d = std::get<CutEngine::Decided>(e.decide());
          std::vector<Cut> cuts;
          for (const auto& s : d.chains) cuts.push_back(s.cut);
          got.push_back(cuts);
          e.advance(d);
        }
      };
      while (sent[0] < chains[0].size() || sent[1] < chains[1].size() ||
             sent[2] < chains[2].size()) {
        const size_t c = rng() % 3;
        if (sent[c] == chains[c].size()) continue;
        const size_t k = std::min<size_t>(1 + rng() % 7, chains[c].size() - sent[c]);
        ASSERT_TRUE(e.add(c, std::span(chains[c]).subspan(sent[c], k)));
        sent[c] += k;
        drain();
      }
      ASSERT_EQ(got.size(), want.size()) << "round " << round << " order " << order;
      for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "epoch " << i;
    }
  }
}

}  // namespace
}  // namespace relay::node
