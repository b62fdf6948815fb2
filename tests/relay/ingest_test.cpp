// relay/ingest.h and relay/chain_store.h: the node's side of the adapter protocol, message by
// message (encoded with wire/messages.h as an adapter would): sessions, Hello's checks and
// Resume from the stored tip, Blocks stored and acknowledged, Errors that end the session and
// the silence after them, HELLO_FIRST, and what the store holds after.
#include <gtest/gtest.h>

#include "relay/ingest.h"
#include "tests/relay/chain_builder.h"
#include "tests/support/fixture.h"

namespace relay::node {
namespace {

using Code = msg::ErrorCode;

class IngestTest : public ::testing::Test {
 protected:
  Ingest::Outcome send(const std::string& from, const msg::AdapterMessage& m) {
    return ingest_.handle(from, msg::encode(m, genesis_));
  }
  msg::Hello hello() {
    msg::Hello h;
    h.network_id = genesis_.network_id;
    h.chain_id = genesis_.chains[0].chain_id;
    h.adapter_name = "test";
    return h;
  }
  template <class T>
  static const T& reply(const Ingest::Outcome& o) {
    EXPECT_TRUE(o.reply.has_value());
    EXPECT_TRUE(std::holds_alternative<T>(*o.reply)) << "another reply";
    return std::get<T>(*o.reply);
  }

  Genesis genesis_ = test::test_genesis();
  std::unique_ptr<storage::KvStore> store_ = storage::make_memory_store();
  ChainStore chains_{*store_, genesis_};
  Ingest ingest_{genesis_, 0, chains_};
  test::ChainBuilder chain_{genesis_, 0};
};

TEST_F(IngestTest, HelloGetsResumeFromTheStoredTipAndBlocksAreStoredAndAcknowledged) {
  auto r = send("a", hello());
  const auto& resume = reply<msg::Resume>(r);
  EXPECT_FALSE(resume.has_tip);
  EXPECT_EQ(resume.next_height, 0u);
  ASSERT_TRUE(r.hello);
  msg::Blocks m = chain_.block(1000, {"5"});
  chain_.add(m, 1001, {"6", "7"});
  auto b = send("a", m);
  const auto& ack = reply<msg::Ack>(b);
  EXPECT_EQ(ack.seq, 1u);
  EXPECT_EQ(ack.height, 1u);
  EXPECT_EQ(ack.block_hash, chain_.hash_of(1));
  ASSERT_EQ(b.stored.size(), 2u);
  // Stored: blocks, events in order, the tip.
  auto tip = chains_.tip(0);
  ASSERT_TRUE(tip && *tip);
  EXPECT_EQ((*tip)->height, 1u);
  EXPECT_EQ((*tip)->event_count, 3u);
  auto events = chains_.events(0, 0, 1);
  ASSERT_TRUE(events) << events.error().message;
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2].amount, "7");
  EXPECT_EQ((*events)[2].pos.log_index, 1u);
  EXPECT_EQ(chains_.events(0, 1, 1)->size(), 2u);
  EXPECT_EQ(chains_.blocks(0, 1, 10)->size(), 1u);
  // A new session resumes after the tip.
  const Ingest::Outcome second = send("b", hello());
  const auto& again = reply<msg::Resume>(second);
  EXPECT_TRUE(again.has_tip);
  EXPECT_EQ(again.next_height, 2u);
  EXPECT_EQ(again.tip_hash, chain_.hash_of(1));
  EXPECT_EQ(again.event_count, 3u);
  EXPECT_EQ(again.accumulator, (*tip)->accumulator);
}

TEST_F(IngestTest, HelloIsCheckedForVersionNetworkAndChain) {
  msg::Hello v = hello();
  v.protocol_version = 2;
  EXPECT_EQ(reply<msg::Error>(send("a", v)).code, Code::unsupported_version);
  msg::Hello n = hello();
  n.network_id.bytes[0] ^= 1;
  EXPECT_EQ(reply<msg::Error>(send("a", n)).code, Code::wrong_network);
  msg::Hello c = hello();
  c.chain_id = genesis_.chains[1].chain_id;
  const Ingest::Outcome wrong_chain = send("a", c);
  const auto& e = reply<msg::Error>(wrong_chain);
  EXPECT_EQ(e.code, Code::wrong_chain);
  EXPECT_NE(e.message.find("this endpoint serves alpha"), std::string::npos);
}

TEST_F(IngestTest, AMessageWithoutASessionIsHelloFirst) {
  auto r = send("a", chain_.block(1000));
  EXPECT_EQ(reply<msg::Error>(r).code, Code::hello_first);
  EXPECT_TRUE(r.stored.empty());
  EXPECT_FALSE(*chains_.tip(0));
}

TEST_F(IngestTest, ARefusedMessageEndsTheSessionAndWhatFollowsIsDroppedUntilHello) {
  send("a", hello());
  msg::Blocks skipped = chain_.block(1000);
  skipped.seq = 2;  // seq 1 was never sent
  const Ingest::Outcome refused = send("a", skipped);
  const auto& e = reply<msg::Error>(refused);
  EXPECT_EQ(e.code, Code::out_of_order);
  EXPECT_NE(e.message.find("seq 2"), std::string::npos);
  msg::Blocks fine = skipped;
  fine.seq = 1;
  auto silent = send("a", fine);
  EXPECT_FALSE(silent.reply) << "after an Error, silence until Hello";
  EXPECT_TRUE(silent.stored.empty());
  EXPECT_FALSE(*chains_.tip(0));
  send("a", hello());
  EXPECT_EQ(reply<msg::Ack>(send("a", fine)).height, 0u);
}

TEST_F(IngestTest, AnAlarmingRefusalSaysSoAndStoresNothing) {
  send("a", hello());
  msg::Blocks hidden = chain_.block(1000, {"5"});
  hidden.events.clear();
  auto r = send("a", hidden);
  EXPECT_EQ(reply<msg::Error>(r).code, Code::accumulator_mismatch);
  ASSERT_TRUE(r.refusal);
  EXPECT_TRUE(r.refusal->alarm);
  EXPECT_FALSE(*chains_.tip(0));
}

TEST_F(IngestTest, AMalformedMessageIsRefusedNamingTheField) {
  send("a", hello());
  std::vector<uint8_t> junk = {0x12, 0x03, 0x0a, 0x01};
  auto r = ingest_.handle("a", junk);
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(std::get<msg::Error>(*r.reply).code, Code::malformed);
}

TEST_F(IngestTest, ReportsAndAlarmsAreHandedOn) {
  send("a", hello());
  auto r = send("a", msg::AdapterAlarm{"rpc", "node down", false});
  ASSERT_TRUE(r.alarm);
  EXPECT_EQ(r.alarm->kind, "rpc");
  EXPECT_FALSE(r.reply);
  auto c = send("a", msg::CommittedOnChain{3, Hash32{}, 10, Hash32{}});
  ASSERT_TRUE(c.committed);
  EXPECT_EQ(c.committed->epoch, 3u);
}

}  // namespace
}  // namespace relay::node
