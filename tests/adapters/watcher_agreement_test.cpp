// k of n endpoints (adapters/evm/watcher.h): a range is emitted only when k endpoints gave
// identical answers (headers, logs, the vault's state at the checkpoints); an endpoint that
// answers otherwise is named in an rpc_disagreement alarm with the difference; without k
// identical answers nothing is emitted; a dead endpoint fails over to the next; one is never
// trusted alone unless k = 1.
#include <gtest/gtest.h>

#include "adapters/evm/watcher.h"
#include "tests/adapters/watcher_fixture.h"

namespace relay::evm {
namespace {

using namespace testing;
using json = nlohmann::json;

class WatcherAgreementTest : public WatcherFixture {
 protected:
  FakeChain node1{0}, node2{0}, node3{0};

  void SetUp() override {
    deposit_at(3, 0, 1);
    deposit_at(6, 0, 2);
    deposit_at(6, 1, 3);
    deposit_at(12, 0, 4);
    node1 = node2 = node3 = chain;  // three honest copies of one chain
  }
  std::vector<EventPosition> expected() const {
    return {{3, 0}, {6, 0}, {6, 1}, {12, 0}};
  }
};

// Lies an endpoint can tell about blocks 0..18, each its own way to differ.
void alter_amount(FakeChain& n) {
  n.tamper = [](const std::string& m, const json&, json& resp) {
    if (m != "eth_getLogs") return;
    for (auto& l : resp["result"])
      if (l["blockNumber"] == "0x6" && l["logIndex"] == "0x1")
        l["data"] = "0x" + std::string(61, '0') + "999";
  };
}
void hide_log(FakeChain& n) { n.hidden = {{6, 1}}; }
void swap_block_hash(FakeChain& n) {
  n.tamper = [](const std::string& m, const json& p, json& resp) {
    if (m == "eth_getBlockByNumber" && p[0] == "0x9")
      resp["result"]["hash"] = "0x" + std::string(63, '0') + "9";
  };
}
void shift_timestamp(FakeChain& n) {  // consistent with itself, only other than the chain
  n.tamper = [](const std::string& m, const json& p, json& resp) {
    if (m == "eth_getBlockByNumber" && p[0] == "0x9") resp["result"]["timestamp"] = "0x456";
  };
}

TEST_F(WatcherAgreementTest, TwoOfThreeAgreeAndTheEndpointThatLiesIsNamed) {
  struct Lie {
    void (*apply)(FakeChain&);
    const char* shows;  // in the alarm
  } lies[] = {
      {alter_amount, "block 18: the vault's eventState() is count 4 accumulator"},
      {hide_log, "block 18: the vault's eventState() is count 4"},
      {swap_block_hash, "block 10 names parent"},
      {shift_timestamp, "block 9: timestamp 1108 vs 1110"},
  };
  for (const Lie& lie : lies) {
    SCOPED_TRACE(lie.shows);
    node1 = node2 = node3 = chain;
    lie.apply(node1);  // the first one asked lies
    auto w = watcher_over({&node1, &node2, &node3}, 0, 0, {.agree = 2});
    auto got = drain(*w);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(positions(got->events), expected());
    EXPECT_EQ(got->events[2].amount, "3");
    EXPECT_EQ(got->headers[9].hash, chain.block(9).hash);
    EXPECT_EQ(got->headers[9].timestamp, chain.block(9).timestamp);
    auto alarms = w->take_alarms();
    EXPECT_TRUE(has_alarm(alarms, "rpc_disagreement", "http://node2, http://node3 agree"));
    EXPECT_TRUE(has_alarm(alarms, "rpc_disagreement", "http://node1: "));
    EXPECT_TRUE(has_alarm(alarms, "rpc_disagreement", lie.shows))
        << (alarms.empty() ? "no alarm" : alarms.front().message);
    EXPECT_GE(w->health()[0].disagreements, 1u);
    EXPECT_EQ(w->health()[1].disagreements, 0u);
  }
}

TEST_F(WatcherAgreementTest, EndpointsServingDifferentBloomsStillAgree) {
  node2.zero_blooms = true;  // one provider serves all-zero blooms, the other real ones
  auto w = watcher_over({&node1, &node2}, 0, 0, {.agree = 2});
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), expected());
  EXPECT_TRUE(w->take_alarms().empty());
}

TEST_F(WatcherAgreementTest, WithoutKIdenticalAnswersNothingIsEmitted) {
  shift_timestamp(node2);
  auto w = watcher_over({&node1, &node2}, 0, 0, {.agree = 2});
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::rpc_disagreement);
  EXPECT_NE(r.error().message.find("no 2 endpoints agree; compared with http://node1: "
                                   "http://node2: block 9: timestamp 1108 vs 1110"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(w->next_block(), 0u);
  EXPECT_TRUE(has_alarm(w->take_alarms(), "rpc_disagreement", "no 2 endpoints agree"));
  node2.tamper = nullptr;  // it comes back to the truth
  now += r.error().retry_in;
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), expected());
  EXPECT_TRUE(has_alarm(w->take_alarms(), "rpc_disagreement", "", /*cleared=*/true));
}

TEST_F(WatcherAgreementTest, FewerThanKAnswersIsAnErrorNeverOneEndpointTrusted) {
  auto w = watcher_over({&node1, &node2}, 0, 0, {.agree = 2});
  transports[1]->down = true;
  for (int i = 0; i < 3; ++i) {
    auto r = w->step();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, WatchFailure::rpc);
    EXPECT_NE(r.error().message.find("only 1 of the 2 endpoints needed gave a final head"),
              std::string::npos)
        << r.error().message;
    now += r.error().retry_in;
  }
  EXPECT_EQ(w->next_block(), 0u);
  EXPECT_TRUE(has_alarm(w->take_alarms(), "rpc", "3 failed steps in a row"));
  transports[1]->down = false;
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), expected());
}

TEST_F(WatcherAgreementTest, ADeadFirstEndpointFailsOverToTheNext) {
  auto w = watcher_over({&node1, &node2}, 0, 0, {.agree = 1});
  transports[0]->down = true;
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), expected());
  auto h = w->health();
  EXPECT_FALSE(h[0].up);
  EXPECT_EQ(h[0].errors_by_kind["connection"], 1u);
  EXPECT_NE(h[0].last_error.find("http://node1: refused"), std::string::npos);
  EXPECT_GT(h[0].retry_in.count(), 0);
  EXPECT_TRUE(h[1].up);
  EXPECT_GT(h[1].requests, 0u);
  // While it waits out its backoff, it is not asked.
  int posts = transports[0]->posts;
  node2.extend(22);
  ASSERT_TRUE(drain(*w));
  EXPECT_EQ(transports[0]->posts, posts);
}

TEST_F(WatcherAgreementTest, TheFinalHeadUsedIsTheLowestOfTheKAnswers) {
  node2.served_head = 15;  // final up to 13 there
  auto w = watcher_over({&node1, &node2}, 0, 0, {.agree = 2});
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->headers.back().height, 13u);
  EXPECT_EQ(w->progress().final_head, 13u);
  EXPECT_EQ(positions(got->events), (std::vector<EventPosition>{{3, 0}, {6, 0}, {6, 1}, {12, 0}}));
}

TEST_F(WatcherAgreementTest, AnEndpointOfAnotherChainHaltsTheChain) {
  node2.chain_id = 1;
  auto w = watcher_over({&node1, &node2}, 0, 0, {.agree = 2});
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::wrong_chain);
  EXPECT_NE(r.error().message.find("http://node2 serves chain id 1"), std::string::npos);
  EXPECT_TRUE(w->halted());
}

TEST_F(WatcherAgreementTest, AReorgSeenByOneOfTwoNeededIsADisagreementNotAHalt) {
  auto w = watcher_over({&node1, &node2, &node3}, 0, 0, {.agree = 2});
  ASSERT_TRUE(drain(*w));  // up to 18
  node1.reorg_from(17);    // only node1 says block 18 changed
  auto r = w->step();
  ASSERT_TRUE(r) << r.error().message;  // node2 and node3: nothing new, block 18 unchanged
  EXPECT_FALSE(w->halted());
  EXPECT_TRUE(has_alarm(w->take_alarms(), "rpc_disagreement", "http://node1: final block 18"));
  node2.reorg_from(17);  // two of them: a reorg below what was emitted
  node3.reorg_from(17);
  auto halted = w->step();
  ASSERT_FALSE(halted);
  EXPECT_EQ(halted.error().kind, WatchFailure::reorg);
  EXPECT_TRUE(w->halted());
}

}  // namespace
}  // namespace relay::evm
