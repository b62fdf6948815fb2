// The vault log decoder (adapters/evm/vault_log.h) against logs built from the ABI spec: each
// event's fields and position, and every way a log can fail to be one of the vault's.
#include "adapters/evm/vault_log.h"

#include <gtest/gtest.h>

#include "tests/adapters/abi_log.h"
#include "tests/adapters/test_genesis.h"

namespace relay::evm {
namespace {

using namespace testing;

class VaultLogTest : public ::testing::Test {
 protected:
  Genesis genesis = test_genesis();
  VaultLogDecoder decoder{genesis, 0};
  Address vault = genesis.chains[0].vault;
  Hash32 account = h32("0x00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8");

  // The error of a log that must not decode; it must name the block and log index.
  std::string error_of(const Log& log) {
    auto r = decoder.decode(log);
    EXPECT_FALSE(r) << "decoded into a " << (r ? to_string(r->type) : "");
    if (r) return {};
    std::string where = "block " + std::to_string(log.block_number) + " log " +
                        std::to_string(log.log_index) + ": ";
    EXPECT_EQ(r.error().message.rfind(where, 0), 0u) << r.error().message;
    return r.error().message;
  }
};

TEST_F(VaultLogTest, TopicsAreKeccakOfTheEventSignatures) {
  VaultTopics t = vault_topics();
  EXPECT_EQ(t.deposited, kDeposited);
  EXPECT_EQ(t.withdrawal_requested, kWithdrawalRequested);
  EXPECT_EQ(t.withdrawal_claimed, kWithdrawalClaimed);
}

TEST_F(VaultLogTest, DecodesDepositedIntoADeposit) {
  Log log = deposited(vault, 42, 7, addr(0xaa), account, addr(0xbb), word(250000000));
  auto e = decoder.decode(log);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->type, EventType::deposit);
  EXPECT_EQ(e->chain, "alpha");
  EXPECT_EQ(e->pos, (EventPosition{42, 7}));
  ASSERT_TRUE(e->tx);
  EXPECT_EQ(*e->tx, log.tx_hash);
  EXPECT_EQ(e->token, addr(0xaa));
  EXPECT_EQ(e->account.hex(), account.hex());
  EXPECT_EQ(e->amount, "250000000");
}

TEST_F(VaultLogTest, PassesDepositAmountsAbove2To128OnToTheStateMachine) {
  // uint256 token units (docs/state.md: up to 2^256-1); rule 4 rejects them as overflow.
  Hash32 max;
  max.bytes.fill(0xff);
  auto e = decoder.decode(deposited(vault, 1, 0, addr(0), account, addr(0xbb), max));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->amount,
            "115792089237316195423570985008687907853269984665640564039457584007913129639935");
  auto zero = decoder.decode(deposited(vault, 1, 1, addr(0), account, addr(0xbb), word(0)));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->amount, "0");
}

TEST_F(VaultLogTest, DecodesWithdrawalRequestedWithTheDestinationsName) {
  Log log = withdrawal_requested(vault, 9, 3, account, "USDC", word(1234567), 31338, addr(0xcc));
  auto e = decoder.decode(log);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->type, EventType::withdrawal_request);
  EXPECT_EQ(e->pos, (EventPosition{9, 3}));
  EXPECT_EQ(e->account.hex(), account.hex());
  EXPECT_EQ(e->asset, "USDC");
  EXPECT_EQ(e->amount, "1234567");
  EXPECT_EQ(e->dest_chain, "beta");
  EXPECT_EQ(e->recipient, addr(0xcc));
  // The largest uint128, and an asset of exactly 32 bytes (no padding word).
  std::string long_id(32, 'A');
  auto big = decoder.decode(withdrawal_requested(vault, 9, 4, account, long_id,
                                                 word(~uint128_t{0}), 31337, addr(0xcc)));
  ASSERT_TRUE(big) << big.error().message;
  EXPECT_EQ(big->amount, "340282366920938463463374607431768211455");
  EXPECT_EQ(big->asset, long_id);
  EXPECT_EQ(big->dest_chain, "alpha");
}

TEST_F(VaultLogTest, KeepsAnUnknownDestinationsIdForTheStateMachineToReject) {
  auto e = decoder.decode(withdrawal_requested(vault, 9, 3, account, "ETH", word(1), 5, addr(0xcc)));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->dest_chain, "chain_id:5");
}

TEST_F(VaultLogTest, DecodesWithdrawalClaimedIntoItsId) {
  Hash32 id = h32("0x" + std::string(64, 'e'));
  auto e = decoder.decode(withdrawal_claimed(vault, 11, 0, id, addr(0xcc), addr(0), 5));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->type, EventType::withdrawal_claimed);
  EXPECT_EQ(e->pos, (EventPosition{11, 0}));
  EXPECT_EQ(e->withdrawal_id, id);
}

TEST_F(VaultLogTest, RefusesAnUnknownTopicOrNone) {
  Log log = deposited(vault, 5, 1, addr(0), account, addr(0xbb), word(1));
  log.topics[0] = h32("0x" + std::string(64, '1'));
  EXPECT_NE(error_of(log).find("unknown topic0"), std::string::npos);
  log.topics.clear();
  EXPECT_NE(error_of(log).find("no topic0"), std::string::npos);
}

TEST_F(VaultLogTest, RefusesWrongTopicCounts) {
  Log d = deposited(vault, 5, 1, addr(0), account, addr(0xbb), word(1));
  d.topics.pop_back();
  EXPECT_NE(error_of(d).find("Deposited: 3 topics, the event has 4"), std::string::npos);
  Log w = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  w.topics.push_back(account);
  EXPECT_NE(error_of(w).find("WithdrawalRequested: 4 topics, the event has 3"), std::string::npos);
  Log c = withdrawal_claimed(vault, 5, 3, account, addr(0xcc), addr(0), 1);
  c.topics.resize(2);
  EXPECT_NE(error_of(c).find("WithdrawalClaimed: 2 topics"), std::string::npos);
}

TEST_F(VaultLogTest, RefusesShortOrLongData) {
  Log d = deposited(vault, 5, 1, addr(0), account, addr(0xbb), word(1));
  d.data.resize(31);
  EXPECT_NE(error_of(d).find("shorter than the 32"), std::string::npos);
  d.data.resize(64);
  EXPECT_NE(error_of(d).find("not 32"), std::string::npos);
  Log w = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  w.data.resize(3 * 32);  // no length word
  EXPECT_NE(error_of(w).find("shorter than the 128"), std::string::npos);
  Log cut = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  cut.data.resize(4 * 32);  // the asset's bytes cut off
  EXPECT_NE(error_of(cut).find("data is 128 bytes, the encoding of a 3-byte asset is 160"),
            std::string::npos);
  Log w2 = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  w2.data.resize(w2.data.size() + 32);
  EXPECT_NE(error_of(w2).find("the encoding of a 3-byte asset is 160"), std::string::npos);
  Log c = withdrawal_claimed(vault, 5, 3, account, addr(0xcc), addr(0), 1);
  c.data.clear();
  EXPECT_NE(error_of(c).find("shorter"), std::string::npos);
}

TEST_F(VaultLogTest, RefusesARequestedAmountOf2To128OrMore) {
  Hash32 amount = word(1);
  amount.bytes[15] = 1;  // 2^128 + 1
  Log w = withdrawal_requested(vault, 5, 2, account, "ETH", amount, 31337, addr(0xcc));
  EXPECT_NE(error_of(w).find("amount is 2^128 or more"), std::string::npos);
}

TEST_F(VaultLogTest, RefusesValuesWiderThanTheirAbiType) {
  Log d = deposited(vault, 5, 1, addr(0), account, addr(0xbb), word(1));
  d.topics[1].bytes[0] = 1;
  EXPECT_NE(error_of(d).find("topic1 (token) is not an address"), std::string::npos);
  Log w = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  w.topics[2].bytes[20] = 1;  // destChainId above 2^64
  EXPECT_NE(error_of(w).find("wider than uint64"), std::string::npos);
  Log r = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  r.data[64] = 1;  // recipient word with a nonzero high byte
  EXPECT_NE(error_of(r).find("recipient is not an address"), std::string::npos);
  Log c = withdrawal_claimed(vault, 5, 3, account, addr(0xcc), addr(0), 1);
  c.topics[3].bytes[0] = 1;
  EXPECT_NE(error_of(c).find("topic3 (token) is not an address"), std::string::npos);
}

TEST_F(VaultLogTest, RefusesNonCanonicalStringEncodings) {
  Log w = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  w.data[31] = 128;  // offset 128 instead of 96
  EXPECT_NE(error_of(w).find("offset is not 96"), std::string::npos);
  Log len = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  len.data[3 * 32 + 24] = 1;  // a length of 2^56 + 3
  EXPECT_NE(error_of(len).find("runs past the data"), std::string::npos);
  Log pad = withdrawal_requested(vault, 5, 2, account, "ETH", word(1), 31337, addr(0xcc));
  pad.data.back() = 'x';
  EXPECT_NE(error_of(pad).find("padding is not zero"), std::string::npos);
}

TEST_F(VaultLogTest, RefusesAssetsTheVaultRefuses) {
  for (std::string asset : {std::string(""), std::string("\xc3\x89TH"), std::string("US DC"),
                            std::string(33, 'A')}) {
    Log w = withdrawal_requested(vault, 5, 2, account, asset, word(1), 31337, addr(0xcc));
    EXPECT_NE(error_of(w).find("is not 1 to 32 letters"), std::string::npos) << asset;
  }
}

TEST_F(VaultLogTest, RefusesLogsOfAnotherContractOrRemoved) {
  Log other = deposited(addr(0x99), 5, 1, addr(0), account, addr(0xbb), word(1));
  EXPECT_NE(error_of(other).find("not the vault"), std::string::npos);
  Log removed = deposited(vault, 5, 1, addr(0), account, addr(0xbb), word(1));
  removed.removed = true;
  EXPECT_NE(error_of(removed).find("removed"), std::string::npos);
}

TEST_F(VaultLogTest, UsesTheChainItWasBuiltFor) {
  VaultLogDecoder beta{genesis, 1};
  Log log = deposited(genesis.chains[1].vault, 1, 0, addr(0), account, addr(0xbb), word(1));
  auto e = beta.decode(log);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->chain, "beta");
  EXPECT_FALSE(decoder.decode(log));  // not alpha's vault
}

}  // namespace
}  // namespace relay::evm
