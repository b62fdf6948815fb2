// The watcher against nodes and providers that misbehave the ways real ones do (fake_node.h's
// knobs): each test asserts that no event is missing, extra or wrong — the blocks and events
// read are exactly the chain's — whatever the node answered on the way.
#include <gtest/gtest.h>

#include "adapters/evm/watcher.h"
#include "tests/adapters/watcher_fixture.h"

namespace relay::evm {
namespace {

using namespace testing;

class WatcherFaultsTest : public WatcherFixture {
 protected:
  // Every event of the chain's vault, in position order.
  std::vector<EventPosition> all_events(uint64_t up_to) const {
    std::vector<EventPosition> out;
    for (const auto& l : chain.logs)
      if (l.address == vault && l.block_number <= up_to) out.push_back({l.block_number, l.log_index});
    std::sort(out.begin(), out.end());
    return out;
  }
  // The blocks read are 0..to, each once, with the chain's hashes and the vault's state.
  void expect_exact_blocks(const std::vector<FinalBlock>& got, uint64_t to) {
    ASSERT_EQ(got.size(), to + 1);
    for (uint64_t n = 0; n <= to; ++n) {
      EXPECT_EQ(got[n].height, n);
      EXPECT_EQ(got[n].hash, chain.block(n).hash);
      EventState s = chain.state_at(vault, n);
      EXPECT_EQ(got[n].event_count, s.count) << "block " << n;
      EXPECT_EQ(got[n].accumulator, s.accumulator) << "block " << n;
    }
  }
};

TEST_F(WatcherFaultsTest, AProviderThatCapsItsAnswerSilentlyMissesNothing) {
  for (uint32_t i = 0; i < 3; ++i) deposit_at(2, i, 10 + i);
  deposit_at(5, 0, 20);
  deposit_at(9, 0, 30);
  deposit_at(9, 4, 31);
  deposit_at(14, 0, 40);
  deposit_at(17, 1, 50);
  chain.cap_logs = 3;  // every eth_getLogs answer stops after 3 logs, without a word
  auto w = watcher(0, {.max_range = 32});
  auto got = drain_patiently(*w);
  ASSERT_TRUE(got.errors.empty() || !halts(got.errors.back().kind));
  EXPECT_EQ(positions(got.read.events), all_events(18));
  expect_exact_blocks(got.read.headers, 18);
  EXPECT_EQ(got.read.events[1].amount, "11");
  EXPECT_LT(chain.max_logs_range, 33u);
}

TEST_F(WatcherFaultsTest, ACapThatCutsTheLastBlockIsCaughtByTheAccumulator) {
  deposit_at(3, 0, 1);
  deposit_at(3, 1, 2);
  for (uint32_t i = 0; i < 3; ++i) deposit_at(17, i, 5 + i);
  chain.cap_logs = 4;  // the answer over 0..18 holds block 17's first two logs only
  auto w = watcher(0, {.max_range = 32});
  auto first = w->step();
  ASSERT_FALSE(first);  // no block after 17 holds a log, so only the vault's count tells
  EXPECT_EQ(first.error().kind, WatchFailure::accumulator_mismatch);
  EXPECT_NE(first.error().message.find("block 18: the vault's eventState() is count 5"),
            std::string::npos)
      << first.error().message;
  EXPECT_EQ(w->next_block(), 0u);  // nothing of the range emitted
  EXPECT_TRUE(has_alarm(w->take_alarms(), "accumulator_mismatch", "count 5"));
  now += first.error().retry_in;
  auto got = drain_patiently(*w);  // smaller ranges: under the cap
  EXPECT_EQ(positions(got.read.events), all_events(18));
  expect_exact_blocks(got.read.headers, 18);
  EXPECT_TRUE(has_alarm(w->take_alarms(), "accumulator_mismatch", "", /*cleared=*/true));
}

TEST_F(WatcherFaultsTest, ANodeServingBlocksBeforeItsLogsIsNotBelievedEmpty) {
  deposit_at(5, 0, 1);
  deposit_at(14, 0, 2);
  deposit_at(16, 3, 3);
  chain.unindexed_above = 12;  // its next 5 eth_getLogs answers leave out blocks 13..
  chain.unindexed_answers = 5;
  auto w = watcher(0, {.max_range = 32});
  auto got = drain_patiently(*w);
  EXPECT_EQ(positions(got.read.events), all_events(18));
  expect_exact_blocks(got.read.headers, 18);
  for (const auto& e : got.errors) EXPECT_EQ(e.kind, WatchFailure::rpc) << e.message;
}

TEST_F(WatcherFaultsTest, ABlockWhoseBloomHoldsTheVaultIsNeverTakenEmpty) {
  deposit_at(4, 0, 1);
  deposit_at(6, 0, 2);
  chain.hidden = {{6, 0}};  // the node hides block 6's only log, forever
  auto w = watcher(0, {.max_range = 32});
  std::vector<Event> emitted;
  for (int i = 0; i < 8; ++i) {
    auto r = w->step();
    if (r && *r) emitted.insert(emitted.end(), (*r)->events.begin(), (*r)->events.end());
    if (!r) {
      EXPECT_EQ(r.error().kind, WatchFailure::rpc);
      EXPECT_NE(r.error().message.find("its logsBloom holds the vault and no log came back"),
                std::string::npos)
          << r.error().message;
      now += r.error().retry_in;
    }
  }
  EXPECT_EQ(positions(emitted), (std::vector<EventPosition>{{4, 0}}));
  EXPECT_LE(w->next_block(), 6u);  // block 6 never emitted
  chain.hidden.clear();
  auto rest = drain_patiently(*w);
  emitted.insert(emitted.end(), rest.read.events.begin(), rest.read.events.end());
  EXPECT_EQ(positions(emitted), all_events(18));
}

TEST_F(WatcherFaultsTest, ABloomFalsePositiveIsProvedEmptyByTheVault) {
  deposit_at(3, 0, 1);
  chain.bloom_extra[7] = {std::vector<uint8_t>(vault.bytes.begin(), vault.bytes.end())};
  std::set<std::string> asked;
  chain.tamper = [&](const std::string& m, const nlohmann::json& p, nlohmann::json&) {
    if (m == "eth_call") asked.insert(p[1]["blockHash"].get<std::string>());
  };
  auto w = watcher(0, {.max_range = 32});
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), all_events(18));
  EXPECT_TRUE(asked.count(chain.block(7).hash.hex()));  // proved by eventState() there
}

TEST_F(WatcherFaultsTest, AChainWithoutBloomsIsCheckedByTheAccumulatorAlone) {
  deposit_at(4, 0, 1);
  deposit_at(9, 1, 2);
  chain.zero_blooms = true;  // logs, and an all-zero logsBloom in every block
  auto w = watcher();
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), all_events(18));
  chain.hidden = {{9, 1}};  // no bloom to tell: the vault's count does
  auto again = watcher();
  auto r = again->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::accumulator_mismatch);
}

TEST_F(WatcherFaultsTest, AskingByAddressAloneIsImmuneToNodesThatMishandleTopicLists) {
  deposit_at(4, 0, 1);
  chain.add(withdrawal_requested(vault, 8, 0, account, "ETH", word(3), 31337, addr(0xcc)));
  chain.topics_break = true;  // answers nothing to a request with a topic filter
  RpcClient direct(std::make_unique<FakeChainTransport>(chain));
  auto filtered = direct.logs({vault, VaultLogDecoder(genesis, 0).topic0s(), 0, 18});
  ASSERT_TRUE(filtered);
  EXPECT_TRUE(filtered->empty());  // what a watcher asking by topics would have believed
  auto w = watcher();
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), all_events(18));
}

TEST_F(WatcherFaultsTest, RateLimitingWithRetryAfterIsWaitedOutNotGivenUpOn) {
  deposit_at(5, 0, 1);
  auto w = watcher();
  RpcError limited{RpcFailure::http_status, "http://node1: HTTP status 429: rate limited"};
  limited.http_status = 429;
  limited.retry_after = std::chrono::seconds(7);
  transports[0]->failures = {limited};
  auto r = w->step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, WatchFailure::rpc);
  EXPECT_EQ(r.error().retry_in, std::chrono::milliseconds(7000));
  EXPECT_FALSE(w->halted());
  auto health = w->health();
  EXPECT_EQ(health[0].errors_by_kind["http_status"], 1u);
  EXPECT_FALSE(health[0].up);
  EXPECT_EQ(health[0].retry_in, std::chrono::milliseconds(7000));
  int posts = transports[0]->posts;
  auto early = w->step();  // before Retry-After: the endpoint is not asked at all
  ASSERT_FALSE(early);
  EXPECT_EQ(transports[0]->posts, posts);
  EXPECT_LE(early.error().retry_in, std::chrono::milliseconds(7000));
  now += std::chrono::seconds(7);
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), all_events(18));
  EXPECT_TRUE(w->health()[0].up);
}

TEST_F(WatcherFaultsTest, TimeoutsServerErrorsAndBrokenBodiesAreTemporary) {
  deposit_at(5, 0, 1);
  deposit_at(11, 2, 2);
  auto w = watcher(0, {.max_range = 8});
  RpcError busy{RpcFailure::http_status, "http://node1: HTTP status 503"};
  busy.http_status = 503;
  transports[0]->failures = {RpcError{RpcFailure::timeout, "http://node1: no answer within 10000 ms"},
                             busy,
                             RpcError{RpcFailure::connection, "http://node1: connection reset"}};
  transports[0]->mangle = {[](std::string s) { return s.substr(0, s.size() / 2); },  // truncated
                           [](std::string) { return std::string("<html>502 Bad Gateway</html>"); }};
  auto got = drain_patiently(*w);
  EXPECT_EQ(positions(got.read.events), all_events(18));
  expect_exact_blocks(got.read.headers, 18);
  ASSERT_EQ(got.errors.size(), 5u);
  for (const auto& e : got.errors) {
    EXPECT_EQ(e.kind, WatchFailure::rpc) << e.message;
    EXPECT_GT(e.retry_in.count(), 0);
  }
  EXPECT_NE(got.errors[3].message.find("the answer: not valid JSON"), std::string::npos);
  auto h = w->health()[0];
  EXPECT_EQ(h.errors_by_kind["timeout"], 1u);
  EXPECT_EQ(h.errors_by_kind["http_status"], 1u);
  EXPECT_EQ(h.errors_by_kind["connection"], 1u);
  EXPECT_TRUE(h.up);
}

TEST_F(WatcherFaultsTest, TooManyResultsHalvesTheRangeAndItGrowsBack) {
  chain.extend(120);
  for (uint64_t b = 0; b < 16; ++b)
    for (uint32_t i = 0; i < 2; ++i) deposit_at(b, i, b * 10 + i);  // a dense stretch
  deposit_at(60, 0, 7);
  chain.max_results = 4;  // "query returned more than 4 results"
  auto w = watcher(0, {.max_range = 32});
  auto got = drain(*w);  // refusals are retried smaller within the step: no step fails
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), all_events(118));
  expect_exact_blocks(got->headers, 118);
  // Refused wide, read in ranges of at most 2 blocks through the dense stretch, and wide again
  // after it.
  bool refused_wide = false, narrow_in_dense = false, wide_after = false;
  for (auto [from, to] : chain.logs_ranges) {
    if (from == 0 && to == 31) refused_wide = true;
    if (from < 16 && to - from + 1 <= 2) narrow_in_dense = true;
    if (from >= 16 && to - from + 1 == 32) wide_after = true;
  }
  EXPECT_TRUE(refused_wide);
  EXPECT_TRUE(narrow_in_dense);
  EXPECT_TRUE(wide_after) << "the range grew back";
  EXPECT_EQ(w->progress().range, 32u);
}

TEST_F(WatcherFaultsTest, ABlockRangeLimitHalvesTheRange) {
  chain.extend(80);
  deposit_at(3, 0, 1);
  deposit_at(40, 0, 2);
  deposit_at(77, 1, 3);
  chain.max_block_range = 5;  // "block range too large" above 5 blocks
  auto w = watcher(0, {.max_range = 64});
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), all_events(78));
  expect_exact_blocks(got->headers, 78);
}

TEST_F(WatcherFaultsTest, AGatewayWithoutBatchesIsReadCallByCall) {
  deposit_at(9, 0, 1);
  chain.no_batches = true;
  auto w = watcher(0, {.max_batch = 10});
  auto got = drain(*w);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(positions(got->events), all_events(18));
  expect_exact_blocks(got->headers, 18);
}

TEST_F(WatcherFaultsTest, ProgressTellsHeightTargetRatesAndEta) {
  chain.extend(1002);
  deposit_at(100, 0, 1);
  auto w = watcher(0, {.max_range = 250});
  auto first = w->step();
  ASSERT_TRUE(first && *first);
  now += std::chrono::seconds(1);
  auto second = w->step();
  ASSERT_TRUE(second && *second);
  Progress p = w->progress();
  EXPECT_EQ(p.next_block, 500u);
  EXPECT_EQ(p.final_head, 1000u);
  EXPECT_EQ(p.blocks_read, 500u);
  EXPECT_EQ(p.events_read, 1u);
  EXPECT_DOUBLE_EQ(p.blocks_per_second, 500.0);
  EXPECT_DOUBLE_EQ(p.events_per_second, 1.0);
  ASSERT_TRUE(p.eta);
  EXPECT_EQ(p.eta->count(), 1);  // 501 blocks left at 500/s
}

}  // namespace
}  // namespace relay::evm
