// relay/epoch_loop.h over a real LevelDB folder: stored blocks are cut into epochs whose events
// are applied in order with the epoch's commitment and cuts in the same batch; an epoch waits for
// the chains that lack a block past its end; a reopened loop continues where the folder stands;
// a folder of epochs without cuts (relayctl replay) is refused; a cut whose events do not fold
// to its accumulator is not applied.
#include <gtest/gtest.h>

#include "relay/block_codec.h"
#include "relay/data_folder.h"
#include "relay/epoch_loop.h"
#include "relay/ingest.h"
#include "relay/node_keys.h"
#include "tests/relay/chain_builder.h"
#include "tests/relay/node_fixture.h"
#include "tests/support/fixture.h"

namespace relay::node {
namespace {

// A data folder with an epoch loop over it, fed as ingest would.
class Harness {
 public:
  Harness() { open(); }
  void open() {
    loop_.reset();
    store_.reset();
    auto f = open_data_folder(dir_ / "data", genesis_.network_id);
    ASSERT_TRUE(f) << f.error().message;
    store_ = std::move(f->store);
    chains_ = std::make_unique<ChainStore>(*store_, genesis_);
    auto l = EpochLoop::open(genesis_, *store_, *chains_);
    ASSERT_TRUE(l) << l.error().message;
    loop_ = std::move(*l);
  }
  // Stores a message for `chain` as ingest would, and hands the blocks to the loop.
  void deliver(uint32_t chain, const msg::Blocks& m) {
    auto tip = chains_->tip(chain);
    ASSERT_TRUE(tip);
    auto checked = check_blocks(m, genesis_, chain, *tip, [&](uint64_t h) { return chains_->block(chain, h); });
    ASSERT_TRUE(checked) << checked.error().message;
    ASSERT_TRUE(chains_->append(chain, checked->blocks, checked->events));
    ASSERT_TRUE(loop_->add(chain, checked->blocks));
  }
  std::vector<EpochLoop::Applied> run() {
    std::vector<EpochLoop::Applied> out;
    for (;;) {
      auto a = loop_->step();
      EXPECT_TRUE(a) << a.error().message;
      if (!a || !*a) return out;
      out.push_back(**a);
    }
  }

  test::TempDir dir_;
  Genesis genesis_ = *parse_genesis(test::with_epochs(test::kGenesisJson, 1000, 10));
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<ChainStore> chains_;
  std::unique_ptr<EpochLoop> loop_;
  std::vector<test::ChainBuilder> c_{{genesis_, 0}, {genesis_, 1}, {genesis_, 2}};
};

class EpochLoopTest : public ::testing::Test, public Harness {};

TEST_F(EpochLoopTest, DecidedEpochsAreAppliedWithTheirEventsAndCuts) {
  deliver(0, c_[0].block(1001, {"5"}));
  deliver(1, c_[1].block(1003, {"7"}));
  deliver(2, c_[2].block(1002));
  auto w = loop_->waiting();
  ASSERT_TRUE(w);
  EXPECT_EQ(w->chains, (std::vector<size_t>{0, 1, 2}));
  EXPECT_TRUE(run().empty());
  deliver(0, c_[0].block(1011, {"1"}));
  deliver(1, c_[1].block(1012));
  EXPECT_EQ(loop_->waiting()->chains, std::vector<size_t>{2}) << "gamma lacks a block past 1010";
  deliver(2, c_[2].block(1025));
  auto applied = run();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].epoch, 0u);
  EXPECT_EQ(applied[0].events, 2u) << "alpha's block 0 and beta's block 0";
  EXPECT_EQ(applied[0].stats.applied, 2u);
  EXPECT_EQ(applied[0].hash, loop_->committer().last_hash());
  EXPECT_EQ(loop_->state().next_epoch(), 1u);
  // The cuts went into the same batch.
  auto cuts = store_->get(keys::cuts_key(0));
  ASSERT_TRUE(cuts && *cuts);
  auto decoded = decode_cuts(**cuts, 3, "cuts");
  ASSERT_TRUE(decoded);
  EXPECT_EQ((*decoded)[0]->height, 0u);
  EXPECT_EQ((*decoded)[2]->height, 0u);
}

TEST_F(EpochLoopTest, AJumpOverSeveralEpochsGivesEpochsWithoutEventsThenWaits) {
  for (uint32_t c = 0; c < 3; ++c) deliver(c, c_[c].blocks({1001, 1009, 1015, 1031}));
  auto applied = run();  // T 1010, 1020 and 1030 (nothing moves); 1040 waits for a block past it
  ASSERT_EQ(applied.size(), 3u);
  EXPECT_EQ(applied[2].events, 0u);
  EXPECT_EQ(loop_->waiting()->epoch, 3u);
}

TEST_F(EpochLoopTest, AReopenedLoopContinuesExactlyAsAnUninterruptedOne) {
  auto feed = [&](Harness& t, int part) {
    std::vector<test::ChainBuilder>& c = t.c_;
    if (part == 0) {
      t.deliver(0, c[0].block(1001, {"5"}));
      t.deliver(0, c[0].block(1012, {"6"}));
      t.deliver(1, c[1].block(1004, {"7"}));
      t.deliver(1, c[1].block(1011));
      t.deliver(2, c[2].block(1020));
    } else {
      t.deliver(0, c[0].block(1025, {"8"}));
      t.deliver(1, c[1].block(1026, {"9"}));
      t.deliver(2, c[2].block(1027));
    }
  };
  feed(*this, 0);
  ASSERT_EQ(run().size(), 1u);
  open();  // a restart: the engine is rebuilt from the cuts and the blocks stored after them
  EXPECT_EQ(loop_->state().next_epoch(), 1u);
  feed(*this, 1);
  const auto after = run();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].epoch, 1u);
  EXPECT_EQ(after[0].events, 1u) << "alpha's block 1 (1012); beta's 1026 is past 1020";

  Harness clean;
  feed(clean, 0);
  feed(clean, 1);
  const auto all = clean.run();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].hash, after[0].hash) << "the same commitment as without the restart";
}

TEST_F(EpochLoopTest, AFolderOfEpochsWithoutCutsIsRefused) {
  // Epoch 0 applied the way relayctl replay applies it: no cuts.
  loop_.reset();
  {
    auto committer = proofs::EpochCommitter::open(genesis_, *store_);
    ASSERT_TRUE(committer);
    auto state = CanonicalState::open(genesis_, *store_, committer->get());
    ASSERT_TRUE(state);
    ASSERT_TRUE((*state)->apply_batch({}));
  }
  auto l = EpochLoop::open(genesis_, *store_, *chains_);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message.find("applied without cuts"), std::string::npos) << l.error().message;
  Genesis no_epochs = test::test_genesis();
  auto n = EpochLoop::open(no_epochs, *store_, *chains_);
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message.find("no \"epochs\""), std::string::npos);
}

TEST_F(EpochLoopTest, ACutWhoseStoredEventsDoNotFoldIsNotApplied) {
  deliver(0, c_[0].block(1001, {"5"}));
  deliver(0, c_[0].block(1012));
  deliver(1, c_[1].block(1011));
  deliver(2, c_[2].block(1011));
  // The stored event changed behind the node's back (a damaged or tampered folder).
  auto events = chains_->events(0, 0, 0);
  ASSERT_TRUE(events && events->size() == 1);
  Event e = (*events)[0];
  e.amount = "500";
  ASSERT_TRUE(chains_->append(0, std::vector<BlockRecord>{**chains_->tip(0)}, std::vector<Event>{e}));
  auto a = loop_->step();
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("the stored events fold to count 1"), std::string::npos) << a.error().message;
  EXPECT_EQ(loop_->state().next_epoch(), 0u);
}

}  // namespace
}  // namespace relay::node
