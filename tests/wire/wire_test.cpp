// The protobuf conversions: round trips, and specific errors for malformed messages.
#include <gtest/gtest.h>

#include "proto/relay.pb.h"
#include "tests/support/fixture.h"
#include "vault/sha256.h"
#include "vault/vault.h"
#include "wire/wire.h"

namespace relay {
namespace {

using namespace test;

TEST(Wire, RoundTripsEveryEventTypeThroughBytes) {
  Genesis g = test_genesis();
  Event with_tx = deposit("beta", 3, 1, kUsdcBeta, account(9), "123000000000000");
  with_tx.tx = Hash32::from_hex("0x" + std::string(64, 'a'));
  for (const Event& e : {with_tx, withdraw("alpha", 4, 2, account(1), "USDC", "5", "gamma"),
                         claim("gamma", 8, 0, withdrawal_id(ChainId{1}, {4, 2}))}) {
    wire::ChainEvent msg;
    ASSERT_TRUE(event_to_proto(e, g, msg));
    wire::ChainEvent parsed;
    ASSERT_TRUE(parsed.ParseFromString(msg.SerializeAsString()));
    auto back = event_from_proto(parsed, g);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(identity(*back), identity(e));
  }
}

TEST(Wire, RefusesUnknownSourceChainAndShortFields) {
  Genesis g = test_genesis();
  wire::ChainEvent msg;
  ASSERT_TRUE(event_to_proto(deposit("alpha", 1, 0, kEthToken, account(1), "1"), g, msg));
  msg.mutable_position()->set_chain_id(99);
  EXPECT_EQ(event_from_proto(msg, g).error().message,
            "position.chain_id: 99 is not a genesis chain");
  msg.mutable_position()->set_chain_id(1);
  msg.mutable_deposit()->set_account("short");
  EXPECT_EQ(event_from_proto(msg, g).error().message, "deposit.account: must be 32 bytes, got 5");
  msg.mutable_deposit()->set_account(std::string(32, '\0'));
  msg.mutable_deposit()->set_amount("1e18");
  EXPECT_EQ(event_from_proto(msg, g).error().message,
            "deposit.amount: must be 1 to 78 decimal digits");
  msg.clear_deposit();
  EXPECT_EQ(event_from_proto(msg, g).error().message,
            "body: missing (deposit, withdrawal_request or withdrawal_claimed)");
  wire::ChainEvent no_pos;
  EXPECT_EQ(event_from_proto(no_pos, g).error().message, "position: missing");
}

TEST(Wire, UnknownDestinationBecomesUnknownChainForTheRules) {
  Genesis g = test_genesis();
  wire::ChainEvent msg;
  ASSERT_TRUE(event_to_proto(withdraw("alpha", 4, 2, account(1), "USDC", "5", "beta"), g, msg));
  msg.mutable_withdrawal_request()->set_dest_chain_id(777);
  auto e = event_from_proto(msg, g);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->dest_chain, "chain_id:777");
  EXPECT_FALSE(g.chain_index(e->dest_chain));
}

TEST(Wire, UnknownDestinationTravelsAsItsChainId) {
  Genesis g = test_genesis();
  Event e = withdraw("alpha", 4, 2, account(1), "USDC", "5", "chain_id:777");
  wire::ChainEvent msg;
  ASSERT_TRUE(event_to_proto(e, g, msg));
  EXPECT_EQ(msg.withdrawal_request().dest_chain_id(), 777u);
  auto back = event_from_proto(msg, g);
  ASSERT_TRUE(back);
  EXPECT_EQ(identity(*back), identity(e));
  for (const char* bad : {"chain_id:", "chain_id:07", "chain_id:x", "delta", "chain_id:-1",
                          "chain_id:18446744073709551616"}) {
    e.dest_chain = bad;
    auto r = event_to_proto(e, g, msg);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message, std::string("dest_chain: \"") + bad +
                                     "\" is neither a genesis chain nor \"chain_id:<n>\"");
  }
}

TEST(Wire, BatchErrorsNameTheEventIndex) {
  Genesis g = test_genesis();
  wire::EpochBatch batch;
  batch.set_epoch(4);
  ASSERT_TRUE(event_to_proto(deposit("alpha", 1, 0, kEthToken, account(1), "1"), g, *batch.add_events()));
  batch.add_events();
  auto r = batch_from_proto(batch, g);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "events[1].position: missing");
  batch.mutable_events()->RemoveLast();
  r = batch_from_proto(batch, g);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->epoch, 4u);
  EXPECT_EQ(r->events.size(), 1u);
}

}  // namespace
}  // namespace relay
