// The watcher (adapters/evm/watcher.h) against a scripted node (tests/adapters/fake_node.h):
// final ranges only, bounded getLogs ranges, (block, log index) order, and every break of the
// chain below finality an alarm that sticks.
#include "adapters/evm/watcher.h"

#include <gtest/gtest.h>

#include "tests/adapters/fake_node.h"
#include "tests/adapters/test_genesis.h"

namespace relay::evm {
namespace {

using namespace testing;

class WatcherTest : public ::testing::Test {
 protected:
  Genesis genesis = test_genesis();
  FakeChain chain{20};
  RpcClient rpc{std::make_unique<FakeChainTransport>(chain)};
  Address vault = genesis.chains[0].vault;
  Hash32 account = word(0xacc);

  void deposit_at(uint64_t block, uint32_t index, uint128_t amount) {
    chain.add(deposited(vault, block, index, addr(0), account, addr(0xbb), word(amount)));
  }
  // Every event up to the finalized head (and `until`), step by step.
  WatchResult<std::vector<Event>> drain(Watcher& w, std::optional<uint64_t> until = {}) {
    std::vector<Event> out;
    for (;;) {
      auto r = w.step(until);
      if (!r) return std::unexpected(r.error());
      if (!*r) return out;
      for (auto& e : (*r)->events) out.push_back(e);
    }
  }
};

TEST_F(WatcherTest, ReturnsEventsOfFinalBlocksInPositionOrder) {
  deposit_at(5, 3, 1);
  deposit_at(5, 1, 2);  // the node lists it after log 3
  deposit_at(12, 0, 3);
  deposit_at(18, 0, 4);  // head 20 − 2 confirmations: final
  deposit_at(19, 0, 5);  // one confirmation short
  Watcher w(genesis, 0, rpc, 0, {.max_range = 4});
  auto events = drain(w);
  ASSERT_TRUE(events) << events.error().message;
  std::vector<EventPosition> got;
  for (const auto& e : *events) got.push_back(e.pos);
  EXPECT_EQ(got, (std::vector<EventPosition>{{5, 1}, {5, 3}, {12, 0}, {18, 0}}));
  EXPECT_EQ((*events)[0].amount, "2");
  EXPECT_EQ(w.next_block(), 19u);
  EXPECT_LE(chain.max_logs_range, 4u);

  chain.extend(21);  // block 19 now has two confirmations
  auto more = drain(w);
  ASSERT_TRUE(more) << more.error().message;
  ASSERT_EQ(more->size(), 1u);
  EXPECT_EQ((*more)[0].pos, (EventPosition{19, 0}));
}

TEST_F(WatcherTest, ResumesAtTheGivenBlockAndStopsAtUntil) {
  deposit_at(3, 0, 1);
  deposit_at(7, 0, 2);
  deposit_at(9, 0, 3);
  Watcher w(genesis, 0, rpc, 4);
  auto events = drain(w, 8);
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].pos.block, 7u);
  EXPECT_EQ(w.next_block(), 9u);
}

TEST_F(WatcherTest, NothingIsFinalBeforeEnoughConfirmationsOrAFinalizedTag) {
  FakeChain young(1);
  RpcClient young_rpc(std::make_unique<FakeChainTransport>(young));
  Watcher w(genesis, 0, young_rpc, 0);
  auto r = w.step();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(*r);

  chain.chain_id = 31338;  // beta: the finalized tag, which this node does not have yet
  Watcher tag(genesis, 1, rpc, 0);
  auto t = tag.step();
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(*t);
  chain.finalized = 6;
  chain.add(deposited(genesis.chains[1].vault, 6, 0, addr(0), account, addr(0xbb), word(9)));
  chain.add(deposited(genesis.chains[1].vault, 7, 0, addr(0), account, addr(0xbb), word(9)));
  auto events = drain(tag);
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].chain, "beta");
  EXPECT_EQ(tag.next_block(), 7u);
}

TEST_F(WatcherTest, RefusesAnotherChainsNode) {
  chain.chain_id = 1;
  Watcher w(genesis, 0, rpc, 0);
  auto r = w.check_chain_id();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::wrong_chain);
  EXPECT_NE(r.error().message.find("serves chain id 1, the genesis says 31337"), std::string::npos);
}

TEST_F(WatcherTest, AReorgBelowTheFinalizedHeadIsAnAlarmThatSticks) {
  deposit_at(10, 0, 1);
  Watcher w(genesis, 0, rpc, 0);
  ASSERT_TRUE(drain(w));
  chain.reorg_from(15);  // block 18 was final
  chain.extend(23);
  auto r = w.step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("finalized block 18 was"), std::string::npos) << r.error().message;
  auto again = w.step();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, r.error().message);
}

TEST_F(WatcherTest, ARangeWhoseFirstBlockDoesNotFollowTheLastReadIsAReorg) {
  Watcher w(genesis, 0, rpc, 0, {.max_range = 5});
  ASSERT_TRUE(w.step(9));  // blocks 0..4
  ASSERT_TRUE(w.step(9));  // blocks 5..9
  // On a real chain a changed block changes every hash above it, and the finalized head check
  // sees it; a node that contradicts itself is caught by the parent link alone.
  chain.corrupt_parent(10);
  auto r = w.step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("block 10's parent is"), std::string::npos) << r.error().message;
}

TEST_F(WatcherTest, AReorgAtTheResumePointIsAReorg) {
  Watcher first(genesis, 0, rpc, 0, {.max_range = 4});
  ASSERT_TRUE(drain(first, 10));
  ResumePoint resume = first.resume_point();
  ASSERT_EQ(resume.block, 11u);
  ASSERT_EQ(resume.parent_hash, chain.block(10).hash);

  // Resumed on the same chain, the parent link holds.
  Watcher same(genesis, 0, rpc, resume);
  ASSERT_TRUE(drain(same)) << "no reorg yet";

  // Blocks 5.. replaced between two runs: a new watcher sees no head it saw before; only the
  // resume point's hash tells that block 10 is not the block the node stored.
  chain.reorg_from(5);
  Watcher resumed(genesis, 0, rpc, resume);
  auto r = resumed.step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("block 11's parent is " + chain.block(10).hash.hex() +
                                   " but the resume point has block 10 as " +
                                   resume.parent_hash->hex()),
            std::string::npos)
      << r.error().message;
  EXPECT_FALSE(resumed.step());  // sticky
}

TEST_F(WatcherTest, AFinalizedHeadThatGoesBackOnTheSameChainMakesNoProgress) {
  chain.chain_id = 31338;
  chain.finalized = 10;
  Watcher w(genesis, 1, rpc, 0);
  ASSERT_TRUE(drain(w));
  EXPECT_EQ(w.next_block(), 11u);
  chain.finalized = 8;  // another node behind the balancer, a little behind; block 10 unchanged
  auto head = w.finalized_head();
  ASSERT_TRUE(head) << head.error().message;
  EXPECT_FALSE(*head);
  auto r = w.step();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(*r);
  chain.finalized = 12;  // the head seen (10) was kept: it is checked, and reading goes on
  auto on = w.step();
  ASSERT_TRUE(on) << on.error().message;
  ASSERT_TRUE(*on);
  EXPECT_EQ((*on)->from, 11u);
  EXPECT_EQ((*on)->to, 12u);
}

TEST_F(WatcherTest, ALaggingNodeWithoutTheHeadSeenIsAnRpcErrorThatPasses) {
  Watcher w(genesis, 0, rpc, 0);
  ASSERT_TRUE(drain(w));  // finalized head 18 (20 − 2)
  chain.served_head = 19;  // latest 19: head 17, block 18 still served and unchanged
  auto same = w.step();
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_FALSE(*same);
  chain.served_head = 17;  // head 15, and the node has no block 18 at all
  auto r = w.step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::rpc);
  EXPECT_NE(r.error().message.find("has no block 18, seen final before"), std::string::npos)
      << r.error().message;
  chain.served_head.reset();  // caught up: not sticky
  chain.extend(22);
  auto on = w.step();
  ASSERT_TRUE(on) << on.error().message;
  ASSERT_TRUE(*on);
  EXPECT_EQ((*on)->from, 19u);
  EXPECT_EQ((*on)->to, 20u);
}

TEST_F(WatcherTest, AFinalizedHeadThatGoesBackOffAChangedBlockIsAReorg) {
  chain.chain_id = 31338;
  chain.finalized = 10;
  Watcher w(genesis, 1, rpc, 0);
  ASSERT_TRUE(w.finalized_head());
  auto old10 = chain.block(10).hash;
  chain.reorg_from(9);
  chain.finalized = 8;
  auto r = w.finalized_head();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("went back from block 10 to 8 and block 10 was " + old10.hex() +
                                   ", is now " + chain.block(10).hash.hex()),
            std::string::npos)
      << r.error().message;
  EXPECT_FALSE(w.step());  // sticky
}

TEST_F(WatcherTest, AReorgWhileTheLogsAreReadIsAReorg) {
  deposit_at(3, 0, 1);
  Watcher w(genesis, 0, rpc, 0);
  // The node switches forks between the range's headers and its eth_getLogs: blocks 10.. are
  // new (no vault log either side), so no log's block hash can tell.
  chain.on_get_logs = [](FakeChain& c) {
    c.on_get_logs = nullptr;
    c.reorg_from(10);
  };
  auto old18 = chain.block(18).hash;
  auto r = w.step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("block 18 changed from " + old18.hex() + " to " +
                                   chain.block(18).hash.hex() + " while its range's logs were read"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(w.next_block(), 0u);  // nothing of the range taken
}

TEST_F(WatcherTest, ALogFromAnotherForkIsAReorg) {
  deposit_at(6, 0, 1);
  chain.logs.back().block_hash = word(0xdead);
  Watcher w(genesis, 0, rpc, 0);
  auto r = drain(w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("block 6 log 0"), std::string::npos);
}

TEST_F(WatcherTest, AnUndecodableLogStopsTheWatcherNamingIt) {
  deposit_at(4, 0, 1);
  deposit_at(6, 2, 1);
  chain.logs.back().data.resize(7);
  Watcher w(genesis, 0, rpc, 0);
  auto r = drain(w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::bad_log);
  EXPECT_NE(r.error().message.find("alpha: block 6 log 2: Deposited"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(w.next_block(), 0u);  // the range is not taken in part
}

TEST_F(WatcherTest, TwoLogsAtOnePositionAreRefused) {
  deposit_at(6, 1, 1);
  deposit_at(6, 1, 2);
  Watcher w(genesis, 0, rpc, 0);
  auto r = drain(w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::bad_log);
  EXPECT_NE(r.error().message.find("two logs at one position"), std::string::npos);
}

}  // namespace
}  // namespace relay::evm
