// The JSON-lines event log: well-formed lines parse; each malformed field is refused naming it.
#include <gtest/gtest.h>

#include "tests/support/fixture.h"
#include "vault/sha256.h"
#include "wire/event_log.h"

namespace relay {
namespace {

const std::string kAcct = "0x00000000000000000000000070997970c51812dc3a010c7d01dc720c6a3e7f75";

TEST(EventLog, ParsesEpochMarker) {
  auto l = parse_event_line(R"({"type":"epoch"})");
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->is_epoch);
}

TEST(EventLog, ParsesDepositAndNormalizesLeadingZeros) {
  auto l = parse_event_line(R"({"type":"deposit","chain":"alpha","block":7,"log_index":2,)"
                            R"("tx":"0xAB00000000000000000000000000000000000000000000000000000000000001",)"
                            R"("token":"0xAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","account":")" +
                            kAcct + R"(","amount":"000120"})");
  ASSERT_TRUE(l) << l.error().message;
  const Event& e = l->event;
  EXPECT_EQ(e.type, EventType::deposit);
  EXPECT_EQ(e.chain, "alpha");
  EXPECT_EQ(e.pos, (EventPosition{7, 2}));
  ASSERT_TRUE(e.tx);
  EXPECT_EQ(e.tx->hex(), "0xab00000000000000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(e.token.hex(), test::kUsdcAlpha);
  EXPECT_EQ(e.amount, "120");
  EXPECT_EQ(parse_event_line(event_to_json_line(e))->event.amount, "120");
}

TEST(EventLog, RoundTripsEveryEventType) {
  using namespace test;
  for (const Event& e : {deposit("alpha", 1, 2, kUsdcAlpha, account(3), "44"),
                         withdraw("beta", 9, 0, account(4), "USDC", "12", "gamma"),
                         claim("gamma", 5, 4294967295u, Hash32{})}) {
    auto back = parse_event_line(event_to_json_line(e));
    ASSERT_TRUE(back) << back.error().message;
    Sha256 h;
    EXPECT_EQ(event_identity(back->event, h), event_identity(e, h));
  }
}

TEST(EventLog, AcceptsAmountsUpTo2To256) {
  std::string max256 =
      "115792089237316195423570985008687907853269984665640564039457584007913129639935";
  auto l = parse_event_line(R"({"type":"deposit","chain":"a","block":1,"log_index":0,)"
                            R"("token":"0x0000000000000000000000000000000000000000","account":")" +
                            kAcct + R"(","amount":")" + max256 + "\"}");
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->event.amount, max256);
}

struct Bad {
  const char* name;
  std::string line;
  const char* error;
};

class EventLogRefuses : public ::testing::TestWithParam<Bad> {};

TEST_P(EventLogRefuses, NamingTheField) {
  auto l = parse_event_line(GetParam().line);
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().message, GetParam().error);
}

const std::string kDep = R"({"type":"deposit","chain":"alpha","block":1,"log_index":0,"token":"0x0000000000000000000000000000000000000000","account":")" + kAcct + "\"";

INSTANTIATE_TEST_SUITE_P(
    Lines, EventLogRefuses,
    ::testing::Values(
        Bad{"NotJson", "{type",
            "not valid JSON at column 3: syntax error while parsing object key - invalid literal; "
            "expected string literal"},
        Bad{"RepeatedAmount", kDep + R"(,"amount":"1","amount":"2"})", "amount: repeated key"},
        Bad{"NotObject", "[1]", "line: must be a JSON object"},
        Bad{"NoType", "{}", "type: missing"},
        Bad{"UnknownType", R"({"type":"mint"})", "type: unknown event type \"mint\""},
        Bad{"NoChain", R"({"type":"deposit"})", "chain: missing"},
        Bad{"BlockAsString", R"({"type":"deposit","chain":"a","block":"1"})",
            "block: must be a non-negative integer"},
        Bad{"NegativeBlock", R"({"type":"deposit","chain":"a","block":-1})",
            "block: must be a non-negative integer"},
        Bad{"LogIndexTooBig", R"({"type":"deposit","chain":"a","block":1,"log_index":4294967296})",
            "log_index: must be at most 4294967295"},
        Bad{"ShortTx", R"({"type":"deposit","chain":"a","block":1,"log_index":0,"tx":"0x12"})",
            "tx: must be 0x and 64 hex digits"},
        Bad{"NoAmount", kDep + "}", "amount: missing"},
        Bad{"AmountAsNumber", kDep + R"(,"amount":5})", "amount: must be a non-empty string"},
        Bad{"NegativeAmount", kDep + R"(,"amount":"-5"})", "amount: must be a decimal string of digits"},
        Bad{"FractionalAmount", kDep + R"(,"amount":"1.5"})", "amount: must be a decimal string of digits"},
        Bad{"AmountAbove2To256", kDep + R"(,"amount":")" + std::string(79, '9') + "\"}",
            "amount: exceeds 2^256-1"},
        Bad{"AccountAsAddress",
            R"({"type":"deposit","chain":"a","block":1,"log_index":0,"token":"0x0000000000000000000000000000000000000000","account":"0x70997970c51812dc3a010c7d01dc720c6a3e7f75","amount":"1"})",
            "account: must be 0x and 64 hex digits"},
        Bad{"TokenNotHex",
            R"({"type":"deposit","chain":"a","block":1,"log_index":0,"token":"0xzz00000000000000000000000000000000000000"})",
            "token: must be 0x and 40 hex digits"},
        Bad{"RecipientMissing",
            R"({"type":"withdrawal_request","chain":"a","block":1,"log_index":0,"account":")" + kAcct +
                R"(","asset":"USDC","amount":"1","dest_chain":"b"})",
            "recipient: missing"},
        Bad{"WithdrawalIdShort",
            R"({"type":"withdrawal_claimed","chain":"a","block":1,"log_index":0,"withdrawal_id":"0x01"})",
            "withdrawal_id: must be 0x and 64 hex digits"}),
    [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace relay
