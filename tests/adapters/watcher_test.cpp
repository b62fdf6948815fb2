// The watcher (adapters/evm/watcher.h) against a scripted node (tests/adapters/fake_node.h):
// every final block with its events and the vault's accumulator, bounded ranges, (block, log
// index) order, the resume point, and every break of the chain already emitted an alarm that
// sticks — while a chain that moves under a read, not yet emitted, is read again.
#include "adapters/evm/watcher.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/adapters/watcher_fixture.h"

namespace relay::evm {
namespace {

using namespace testing;

class WatcherTest : public WatcherFixture {};

TEST_F(WatcherTest, ReturnsEveryFinalBlockWithItsEventsAndTheVaultsAccumulator) {
  deposit_at(5, 3, 1);
  deposit_at(5, 1, 2);  // the node lists it after log 3
  deposit_at(12, 0, 3);
  chain.add(withdrawal_requested(vault, 12, 4, account, "ETH", word(5), 31338, addr(0xcc)));
  deposit_at(18, 0, 4);  // head 20 − 2 confirmations: final
  deposit_at(19, 0, 5);  // one confirmation short
  auto w = watcher(0, {.max_range = 4});
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events),
            (std::vector<EventPosition>{{5, 1}, {5, 3}, {12, 0}, {12, 4}, {18, 0}}));
  EXPECT_EQ(got->events[0].amount, "2");
  EXPECT_EQ(got->events[3].dest_chain, "beta");
  ASSERT_EQ(got->headers.size(), 19u);  // blocks 0..18, each once
  for (uint64_t n = 0; n <= 18; ++n) {
    const FinalBlock& b = got->headers[n];
    EXPECT_EQ(b.height, n);
    EXPECT_EQ(b.hash, chain.block(n).hash);
    EXPECT_EQ(b.parent_hash, chain.block(n).parent_hash);
    EXPECT_EQ(b.timestamp, chain.block(n).timestamp);
    EventState s = chain.state_at(vault, n);  // folded from the raw logs, not by the watcher
    EXPECT_EQ(b.event_count, s.count) << n;
    EXPECT_EQ(b.accumulator, s.accumulator) << n;
  }
  EXPECT_EQ(got->headers[18].event_count, 5u);
  EXPECT_EQ(w->next_block(), 19u);
  EXPECT_LE(chain.max_logs_range, 4u);
  // No topic filter: the answer cannot depend on how the node reads topic lists.
  EXPECT_GT(chain.method_calls["eth_getLogs"], 0);

  chain.extend(21);  // block 19 now has two confirmations
  auto more = drain(*w);
  ASSERT_TRUE(more) << more.error().message;
  ASSERT_EQ(more->events.size(), 1u);
  EXPECT_EQ(more->events[0].pos, (EventPosition{19, 0}));
  EXPECT_EQ(more->headers.front().parent_hash, chain.block(18).hash);
  EXPECT_EQ(more->headers.front().event_count, 6u);
  EXPECT_TRUE(w->take_alarms().empty());
}

TEST_F(WatcherTest, ResumesAtTheGivenBlockWithOrWithoutTheVaultsState) {
  deposit_at(3, 0, 1);
  deposit_at(7, 0, 2);
  deposit_at(9, 0, 3);
  EventState at3 = chain.state_at(vault, 3);
  auto w = watcher({4, chain.block(3).hash, at3});
  auto got = drain(*w, 8);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->events.size(), 1u);
  EXPECT_EQ(got->events[0].pos.block, 7u);
  EXPECT_EQ(got->headers.back().height, 8u);
  EXPECT_EQ(got->headers.back().event_count, 2u);
  EXPECT_EQ(w->next_block(), 9u);
  ResumePoint r = w->resume_point();
  EXPECT_EQ(r.parent_hash, chain.block(8).hash);
  EXPECT_EQ(r.state, chain.state_at(vault, 8));

  // Without the state, the vault's eventState() after block 3 is read first (relayctl watch
  // --from without it): the fold continues from there.
  auto fresh = watcher(4);
  auto again = drain(*fresh, 8);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->headers.back().accumulator, chain.state_at(vault, 8).accumulator);
  // A wrong state given is caught at the first checkpoint.
  auto wrong = watcher({4, chain.block(3).hash, EventState{}});
  auto r2 = wrong->step(8);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().kind, WatchFailure::accumulator_mismatch);
}

TEST_F(WatcherTest, NothingIsFinalBeforeEnoughConfirmationsOrAFinalizedTag) {
  FakeChain young(1);
  auto w = watcher_over({&young}, 0, 0);
  auto r = w->step();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(*r);

  chain.chain_id = 31338;  // beta: the finalized tag, which this node does not have yet
  auto tag = watcher(0, {}, 1);
  auto t = tag->step();
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(*t);
  // Some clients answer an error, not null, until something is final: nothing final either.
  chain.finalized_is_error = true;
  auto e = tag->step();
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_FALSE(*e);
  chain.finalized_is_error = false;
  chain.finalized = 6;
  chain.add(deposited(genesis.chains[1].vault, 6, 0, addr(0), account, addr(0xbb), word(9)));
  chain.add(deposited(genesis.chains[1].vault, 7, 0, addr(0), account, addr(0xbb), word(9)));
  auto got = drain(*tag);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->events.size(), 1u);
  EXPECT_EQ(got->events[0].chain, "beta");
  EXPECT_EQ(tag->next_block(), 7u);
  // Once a final head was seen, an error for "finalized" is an error, not "nothing final".
  chain.finalized_is_error = true;
  auto after = tag->step();
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().kind, WatchFailure::rpc);
  EXPECT_NE(after.error().message.find("Unknown block"), std::string::npos) << after.error().message;
}

TEST_F(WatcherTest, AnotherChainsNodeHaltsTheWatcher) {
  chain.chain_id = 1;
  auto w = watcher();
  auto r = w->check_chain_id();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::wrong_chain);
  EXPECT_NE(r.error().message.find("http://node1 serves chain id 1, the genesis says 31337"),
            std::string::npos);
  EXPECT_TRUE(w->halted());
  EXPECT_TRUE(has_alarm(w->take_alarms(), "wrong_chain", "serves chain id 1"));
  chain.chain_id = 31337;
  EXPECT_FALSE(w->step());  // halted for good
  // step() checks it too, before anything is read from the node.
  chain.chain_id = 5;
  auto lazy = watcher();
  auto s = lazy->step();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, WatchFailure::wrong_chain);
  EXPECT_EQ(chain.method_calls["eth_getLogs"], 0);
}

TEST_F(WatcherTest, AReorgBelowTheBlocksEmittedIsAnAlarmThatSticks) {
  deposit_at(10, 0, 1);
  auto w = watcher();
  ASSERT_TRUE(drain(*w));
  auto old18 = chain.block(18).hash;
  chain.reorg_from(15);  // block 18 was emitted
  chain.extend(23);
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("block 19's parent is " + chain.block(18).hash.hex() +
                                   " but block 18 was read as " + old18.hex()),
            std::string::npos)
      << r.error().message;
  EXPECT_TRUE(has_alarm(w->take_alarms(), "reorg", "block 19's parent"));
  auto again = w->step();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, r.error().message);
}

TEST_F(WatcherTest, AChangedLastBlockIsAReorgEvenWithNothingNewFinal) {
  auto w = watcher();
  ASSERT_TRUE(drain(*w));  // up to 18
  auto old18 = chain.block(18).hash;
  chain.reorg_from(17);  // same height: nothing new is final, but block 18 changed
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("final block 18 was read as " + old18.hex() + ", is now " +
                                   chain.block(18).hash.hex()),
            std::string::npos)
      << r.error().message;
}

TEST_F(WatcherTest, ARangeWhoseFirstBlockDoesNotFollowTheLastReadIsAReorg) {
  auto w = watcher(0, {.max_range = 5});
  ASSERT_TRUE(w->step(9));  // blocks 0..4
  ASSERT_TRUE(w->step(9));  // blocks 5..9
  // A node that contradicts itself: block 10 names another parent than the block 9 emitted.
  chain.corrupt_parent(10);
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("block 10's parent is"), std::string::npos) << r.error().message;
}

TEST_F(WatcherTest, AReorgAtTheResumePointIsAReorg) {
  auto first = watcher(0, {.max_range = 4});
  ASSERT_TRUE(drain(*first, 10));
  ResumePoint resume = first->resume_point();
  ASSERT_EQ(resume.block, 11u);
  ASSERT_EQ(resume.parent_hash, chain.block(10).hash);

  auto same = watcher(resume);  // resumed on the same chain, the parent link holds
  ASSERT_TRUE(drain(*same)) << "no reorg yet";

  // Blocks 5.. replaced between two runs: only the resume point's hash tells that block 10 is
  // not the block the node stored.
  chain.reorg_from(5);
  auto resumed = watcher(resume);
  auto r = resumed->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("block 11's parent is " + chain.block(10).hash.hex() +
                                   " but block 10 was read as " + resume.parent_hash->hex()),
            std::string::npos)
      << r.error().message;
  EXPECT_FALSE(resumed->step());  // sticky
}

TEST_F(WatcherTest, AFinalizedHeadThatGoesBackOnTheSameChainMakesNoProgress) {
  chain.chain_id = 31338;
  chain.finalized = 10;
  auto w = watcher(0, {}, 1);
  ASSERT_TRUE(drain(*w));
  EXPECT_EQ(w->next_block(), 11u);
  chain.finalized = 8;  // another node behind the balancer, a little behind; block 10 unchanged
  auto r = w->step();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(*r);
  chain.finalized = 12;
  auto on = w->step();
  ASSERT_TRUE(on) << on.error().message;
  ASSERT_TRUE(*on);
  EXPECT_EQ((*on)->from(), 11u);
  EXPECT_EQ((*on)->to(), 12u);
}

TEST_F(WatcherTest, ALaggingNodeWithoutTheLastBlockIsAnRpcErrorThatPasses) {
  auto w = watcher();
  ASSERT_TRUE(drain(*w));  // final head 18 (20 − 2)
  chain.served_head = 19;  // latest 19: head 17, block 18 still served and unchanged
  auto same = w->step();
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_FALSE(*same);
  chain.served_head = 17;  // head 15, and the node has no block 18 at all
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::rpc);
  EXPECT_NE(r.error().message.find("has no block 18, read before as final"), std::string::npos)
      << r.error().message;
  EXPECT_GT(r.error().retry_in.count(), 0);
  chain.served_head.reset();  // caught up: not sticky
  chain.extend(22);
  auto on = w->step();
  ASSERT_TRUE(on) << on.error().message;
  ASSERT_TRUE(*on);
  EXPECT_EQ((*on)->from(), 19u);
  EXPECT_EQ((*on)->to(), 20u);
}

TEST_F(WatcherTest, AFinalizedHeadThatGoesBackOffAChangedBlockIsAReorg) {
  chain.chain_id = 31338;
  chain.finalized = 10;
  auto w = watcher(0, {}, 1);
  ASSERT_TRUE(drain(*w));
  auto old10 = chain.block(10).hash;
  chain.reorg_from(9);
  chain.finalized = 8;
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::reorg);
  EXPECT_NE(r.error().message.find("final block 10 was read as " + old10.hex() + ", is now " +
                                   chain.block(10).hash.hex() +
                                   " (and its final head went back to 8)"),
            std::string::npos)
      << r.error().message;
  EXPECT_FALSE(w->step());  // sticky
}

TEST_F(WatcherTest, AChainThatMovesWhileARangeIsReadIsReadAgain) {
  deposit_at(3, 0, 1);
  deposit_at(9, 0, 2);
  auto w = watcher();
  // The node switches forks between the range's headers and its eth_getLogs: nothing of the
  // range is emitted yet, so it is read again (a change to blocks emitted would be a reorg).
  chain.on_get_logs = [](FakeChain& c) {
    c.on_get_logs = nullptr;
    c.reorg_from(10);
  };
  auto old18 = chain.block(18).hash;
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::rpc);
  EXPECT_NE(r.error().message.find("changed from " + old18.hex()), std::string::npos)
      << r.error().message;
  EXPECT_EQ(w->next_block(), 0u);  // nothing of the range taken
  EXPECT_FALSE(w->halted());
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), (std::vector<EventPosition>{{3, 0}, {9, 0}}));
  EXPECT_EQ(got->headers.back().hash, chain.block(18).hash);  // the new fork's
}

TEST_F(WatcherTest, ALogFromAnotherForkIsNeverTaken) {
  deposit_at(6, 0, 1);
  chain.logs.back().block_hash = word(0xdead);
  auto w = watcher(0, {.rpc_alarm_after = 2});
  auto first = w->step();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, WatchFailure::rpc);
  EXPECT_NE(first.error().message.find("block 6 log 0: in block " + word(0xdead).hex()),
            std::string::npos)
      << first.error().message;
  auto second = w->step();
  ASSERT_FALSE(second);
  EXPECT_EQ(w->next_block(), 0u);
  EXPECT_TRUE(has_alarm(w->take_alarms(), "rpc", "2 failed steps in a row"));
  chain.logs.back().block_hash = chain.block(6).hash;  // the node recovers
  ASSERT_TRUE(drain(*w));
  EXPECT_TRUE(has_alarm(w->take_alarms(), "rpc", "", /*cleared=*/true));
}

TEST_F(WatcherTest, AnUndecodableRelayLogIsABadLogAlarm) {
  deposit_at(4, 0, 1);
  deposit_at(6, 2, 1);
  chain.logs.back().data.resize(7);
  auto w = watcher();
  auto r = drain(*w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::bad_log);
  EXPECT_NE(r.error().message.find("block 6 log 2: Deposited"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(w->next_block(), 0u);  // the range is not taken in part
  EXPECT_TRUE(has_alarm(w->take_alarms(), "bad_log", "block 6 log 2"));
}

TEST_F(WatcherTest, TwoLogsAtOnePositionAreRefused) {
  deposit_at(6, 1, 1);
  deposit_at(6, 1, 2);
  auto w = watcher();
  auto r = drain(*w);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::bad_log);
  EXPECT_NE(r.error().message.find("two logs at one position"), std::string::npos);
}

TEST_F(WatcherTest, TheVaultsOtherEventsAreIgnored) {
  deposit_at(4, 0, 1);
  // EpochCommitted(uint64 indexed epoch, bytes32 commitmentHash): the vault emits it, the
  // watcher reads every log of the vault's address and keeps the relay's events only.
  chain.add(make_log(vault, 8, 0, {h32("0x" + std::string(62, '0') + "ec"), word(3)},
                     std::vector<uint8_t>(32, 1)));
  deposit_at(8, 1, 2);
  auto w = watcher();
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), (std::vector<EventPosition>{{4, 0}, {8, 1}}));
  EXPECT_EQ(got->headers[8].event_count, 2u);
}

TEST_F(WatcherTest, EveryEpochsCutIsACheckpoint) {
  // Blocks are 12 s apart from t = 1000; epochs of 30 s from t = 1000 end at 1030, 1060, ...:
  // block 2 (t 1024) is the cut of epoch 0, block 5 (1060) of epoch 1, block 7 (1084) of 2.
  deposit_at(1, 0, 1);
  deposit_at(3, 0, 2);
  std::vector<std::string> asked;  // the block hashes eventState() was read at
  chain.tamper = [&](const std::string& m, const nlohmann::json& p, nlohmann::json&) {
    if (m == "eth_call") asked.push_back(p[1]["blockHash"]);
  };
  auto w = watcher(0, {.max_range = 8, .epochs = EpochSchedule{1000, 30}});
  auto r = w->step();
  ASSERT_TRUE(r && *r) << (r ? "nothing" : r.error().message);
  ASSERT_EQ((*r)->to(), 7u);
  std::set<std::string> want = {chain.block(2).hash.hex(), chain.block(5).hash.hex(),
                                chain.block(7).hash.hex()};
  EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()), want);

  // A vault state that does not match at a cut inside the range is caught there.
  auto lie = watcher(0, {.max_range = 8, .epochs = EpochSchedule{1000, 30}});
  const std::string cut = chain.block(5).hash.hex();
  chain.tamper = [&](const std::string& m, const nlohmann::json& p, nlohmann::json& resp) {
    if (m == "eth_call" && p[1]["blockHash"] == cut)
      resp["result"] = "0x" + std::string(63, '0') + "1" + std::string(64, '0');
  };
  auto bad = lie->step();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, WatchFailure::accumulator_mismatch);
  EXPECT_NE(bad.error().message.find("block 5: the vault's eventState() is count 1"),
            std::string::npos)
      << bad.error().message;
}

}  // namespace
}  // namespace relay::evm
