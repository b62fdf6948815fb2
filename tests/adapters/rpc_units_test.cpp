// Small pure parts of the EVM adapter: the logs bloom (yellow paper §4.3.1), the recognition of
// providers' "range too large" refusals, the jittered backoff, and which block is an epoch's cut.
#include <gtest/gtest.h>

#include "adapters/evm/backoff.h"
#include "adapters/evm/bloom.h"
#include "adapters/evm/range_reader.h"
#include "adapters/evm/rpc_errors.h"

namespace relay::evm {
namespace {

TEST(BloomTest, SetsTheThreeBitsTheYellowPaperNames) {
  // keccak256("") = c5d2460186f7233c...: the pairs c5d2, 4601, 86f7 give bits 0x5d2 = 1490,
  // 0x601 = 1537 and 0x6f7 = 1783 (low 11 bits), i.e. byte 255 − bit/8, bit bit % 8:
  // byte 69 mask 0x04, byte 63 mask 0x02, byte 33 mask 0x80 (worked out by hand).
  Bloom b{};
  bloom_add(b, std::span<const uint8_t>{});
  Bloom want{};
  want[69] = 0x04;
  want[63] = 0x02;
  want[33] = 0x80;
  EXPECT_EQ(b, want);
  EXPECT_TRUE(bloom_may_contain(b, std::span<const uint8_t>{}));
  Address a;
  a.bytes.fill(0x11);
  EXPECT_FALSE(bloom_may_contain(b, a));
  bloom_add(b, a.span());
  EXPECT_TRUE(bloom_may_contain(b, a));
  Bloom full;
  full.fill(0xff);  // a saturated bloom "may contain" anything: it never proves a log exists
  EXPECT_TRUE(bloom_may_contain(full, a));
}

TEST(RangeTooLargeTest, RecognisesTheProvidersRefusals) {
  auto rpc = [](const std::string& m) { return RpcError{RpcFailure::rpc_error, "x: eth_getLogs: " + m}; };
  for (const char* m : {
           "error -32005: query returned more than 10000 results",
           "error -32602: Log response size exceeded. You can make eth_getLogs requests with up to "
           "a 2K block range and no limit on the response size",
           "error -32602: range 1000000 exceeds limit of 10000",
           "error -32000: block range too large",
           "error -32600: block range is too wide",
           "error -32614: eth_getLogs is limited to a 10,000 range",
           "error -32000: exceed maximum block range: 5000",
           "error -32005: query timeout exceeded",
           "error -32000: Max range: 3500",
           "error -32000: logs matched by query exceeds limit of 10000",
       })
    EXPECT_TRUE(is_range_too_large(rpc(m))) << m;
  for (const char* m : {"error -32000: header not found", "error -32005: rate limited to 10 rps",
                        "error -32603: internal error"})
    EXPECT_FALSE(is_range_too_large(rpc(m))) << m;
  EXPECT_TRUE(is_range_too_large(RpcError{RpcFailure::too_large, "64 MiB"}));
  RpcError e413{RpcFailure::http_status, "x: HTTP status 413"};
  e413.http_status = 413;
  EXPECT_TRUE(is_range_too_large(e413));
  RpcError e400{RpcFailure::http_status, "x: HTTP status 400: block range too large"};
  e400.http_status = 400;
  EXPECT_TRUE(is_range_too_large(e400));
  EXPECT_FALSE(is_range_too_large(RpcError{RpcFailure::timeout, "x: no answer within 10000 ms"}));
}

TEST(BackoffTest, DoublesWithJitterUpToTheCapAndHonoursRetryAfter) {
  Backoff b({std::chrono::milliseconds(100), std::chrono::milliseconds(1000), std::chrono::seconds(60)}, 1);
  for (int i = 0; i < 50; ++i) {
    auto d1 = b.delay(1), d2 = b.delay(2), d9 = b.delay(9);
    EXPECT_GE(d1.count(), 50);
    EXPECT_LE(d1.count(), 100);
    EXPECT_GE(d2.count(), 100);
    EXPECT_LE(d2.count(), 200);
    EXPECT_GE(d9.count(), 500);
    EXPECT_LE(d9.count(), 1000);
  }
  EXPECT_EQ(b.delay(1, std::chrono::seconds(7)), std::chrono::milliseconds(7000));
  EXPECT_EQ(b.delay(1, std::chrono::seconds(3600)), std::chrono::milliseconds(60000));  // capped
}

TEST(EpochCutTest, ABlockEndsAnEpochWhenItsSuccessorIsPastTheEnd) {
  EpochSchedule s{1000, 10};  // T_0 = 1010, T_1 = 1020, ...
  EXPECT_TRUE(ends_epoch(s, 1010, 1011));   // exactly at T_0, the next after it
  EXPECT_FALSE(ends_epoch(s, 1009, 1010));  // the next is still within epoch 0
  EXPECT_TRUE(ends_epoch(s, 1005, 1035));   // epochs 1 and 2 are empty: still a cut
  EXPECT_TRUE(ends_epoch(s, 900, 1011));    // before the start: part of epoch 0
  EXPECT_FALSE(ends_epoch(s, 900, 1000));
  EXPECT_FALSE(ends_epoch(s, 1012, 1012));  // same timestamp
}

}  // namespace
}  // namespace relay::evm
