// relay/blocks_check.h: the node's rules for a Blocks message against the stored tip.
#include <gtest/gtest.h>

#include <map>

#include "relay/blocks_check.h"
#include "tests/relay/chain_builder.h"
#include "tests/support/fixture.h"

namespace relay::node {
namespace {

using Code = msg::ErrorCode;

class BlocksCheck : public ::testing::Test {
 protected:
  // Checks `m` against the blocks stored so far and, when it passes, stores what is new.
  std::expected<CheckedBlocks, BlocksRefusal> check(const msg::Blocks& m) {
    auto r = check_blocks(m, genesis_, 0, tip_, [&](uint64_t h) -> Result<std::optional<BlockRecord>> {
      auto it = stored_.find(h);
      if (it == stored_.end()) return std::optional<BlockRecord>{};
      return std::optional<BlockRecord>{it->second};
    });
    if (r)
      for (const BlockRecord& b : r->blocks) {
        stored_[b.height] = b;
        tip_ = b;
      }
    return r;
  }
  Genesis genesis_ = test::test_genesis();
  test::ChainBuilder chain_{genesis_, 0};
  std::optional<BlockRecord> tip_;
  std::map<uint64_t, BlockRecord> stored_;
};

TEST_F(BlocksCheck, ConsecutiveBlocksWithTheirEventsPass) {
  auto first = check(chain_.block(1000, {"5", "7"}));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->blocks.size(), 1u);
  EXPECT_EQ(first->events.size(), 2u);
  msg::Blocks m = chain_.block(1001);
  chain_.add(m, 1001, {"1"});
  chain_.add(m, 1005, {});
  auto next = check(m);
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->blocks.size(), 3u);
  EXPECT_EQ(next->events.size(), 1u);
  EXPECT_EQ(tip_->event_count, 3u);
}

TEST_F(BlocksCheck, TheFirstBlockIsStartBlockAndTheNextFollowTheTip) {
  test::ChainBuilder late(genesis_, 0, 3);
  auto r = check(late.block(1000));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::out_of_order);
  EXPECT_NE(r.error().message.find("the first block is start_block 0"), std::string::npos);
  ASSERT_TRUE(check(chain_.block(1000)));
  chain_.block(1001);  // skipped: a gap
  auto gap = check(chain_.block(1002));
  ASSERT_FALSE(gap);
  EXPECT_EQ(gap.error().code, Code::out_of_order);
  EXPECT_NE(gap.error().message.find("block 2 does not follow block 0"), std::string::npos);
}

TEST_F(BlocksCheck, AParentOtherThanTheTipIsOutOfOrder) {
  ASSERT_TRUE(check(chain_.block(1000)));
  test::ChainBuilder fork(genesis_, 0, 1, /*fork=*/1);
  msg::Blocks m = fork.block(1001);
  m.headers[0].parent_hash = fork.hash_of(0);
  auto r = check(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::out_of_order);
  EXPECT_NE(r.error().message.find("names parent"), std::string::npos);
  EXPECT_FALSE(r.error().alarm);
}

TEST_F(BlocksCheck, ADecreasingTimestampIsAnAlarm) {
  ASSERT_TRUE(check(chain_.block(1000)));
  auto r = check(chain_.block(999));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::timestamp_decreased);
  EXPECT_TRUE(r.error().alarm);
  EXPECT_NE(r.error().message.find("block 1 has timestamp 999, older than its parent's 1000"), std::string::npos);
}

TEST_F(BlocksCheck, StoredBlocksSentAgainAreDuplicatesAndAnotherHashIsAConflict) {
  msg::Blocks m = chain_.block(1000, {"5"});
  chain_.add(m, 1001, {"6"});
  ASSERT_TRUE(check(m));
  // The same two blocks again, and a new one after them, in one message.
  msg::Blocks again = m;
  chain_.add(again, 1002, {"7"});
  auto r = check(again);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->duplicates, 2u);
  ASSERT_EQ(r->blocks.size(), 1u);
  EXPECT_EQ(r->blocks[0].height, 2u);
  EXPECT_EQ(r->events.size(), 1u) << "the duplicates' events are dropped with them";
  // Block 1 with another hash.
  test::ChainBuilder other(genesis_, 0, 1, /*fork=*/2);
  msg::Blocks conflict = other.block(1001);
  auto c = check(conflict);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Code::conflict);
  EXPECT_TRUE(c.error().alarm);
  EXPECT_NE(c.error().message.find(chain_.hash_of(1).hex()), std::string::npos);
  EXPECT_NE(c.error().message.find(other.hash_of(1).hex()), std::string::npos);
}

TEST_F(BlocksCheck, EventsMustLieInTheMessagesBlocksInOrderAndOfThisChain) {
  msg::Blocks outside = chain_.block(1000, {"5"});
  outside.events[0].pos.block = 7;
  EXPECT_EQ(check(outside).error().code, Code::bad_event);
  test::ChainBuilder c2(genesis_, 0);
  msg::Blocks order = c2.block(1000, {"5", "6"});
  std::swap(order.events[0], order.events[1]);
  auto r = check(order);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::bad_event);
  EXPECT_NE(r.error().message.find("not after the previous event"), std::string::npos);
  test::ChainBuilder c3(genesis_, 0);
  msg::Blocks other = c3.block(1000, {"5"});
  other.events[0].chain = "beta";
  EXPECT_EQ(check(other).error().code, Code::bad_event);
  EXPECT_EQ(check(msg::Blocks{1, {}, {}}).error().code, Code::malformed);
}

TEST_F(BlocksCheck, AHiddenOrInventedEventIsAnAccumulatorMismatchNamingBothValues) {
  msg::Blocks hidden = chain_.block(1000, {"5", "6"});
  hidden.events.pop_back();
  auto r = check(hidden);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::accumulator_mismatch);
  EXPECT_TRUE(r.error().alarm);
  EXPECT_NE(r.error().message.find("block 0 says count 2"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("fold to count 1"), std::string::npos);
  test::ChainBuilder c2(genesis_, 0);
  msg::Blocks changed = c2.block(1000, {"5"});
  changed.events[0].amount = "50";
  EXPECT_EQ(check(changed).error().code, Code::accumulator_mismatch);
  EXPECT_TRUE(stored_.empty()) << "nothing of a refused message is taken";
}

}  // namespace
}  // namespace relay::node
