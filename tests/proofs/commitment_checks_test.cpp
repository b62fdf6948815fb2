// check_commitment_content and check_cuts_follow (proofs/commitment_checks.h): a commitment that
// passes them is what an honest node can sign; each rule, broken alone, is refused with a message
// naming the field, the chain or asset, and the values.
#include "proofs/commitment_checks.h"

#include <gtest/gtest.h>

#include "certificate_fixture.h"

namespace relay {
namespace {

class CommitmentChecks : public ::testing::Test {
 protected:
  Genesis genesis = test::four_validators();  // chains alpha, beta; assets ETH, USDC
  EpochCommitment good = test::sample_commitment(genesis);

  void refused(const EpochCommitment& c, const std::string& needle) {
    auto r = check_commitment_content(c, genesis);
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  }
  void refused_follow(const EpochCommitment& prev, const EpochCommitment& next,
                      const std::string& needle) {
    auto r = check_cuts_follow(prev, next, genesis);
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  }
  // The sample commitment with chain 0's cut replaced.
  EpochCommitment with_cut0(const ChainCut& k) {
    EpochCommitment c = good;
    c.set_cuts(std::vector<ChainCut>{k, c.cut(1)});
    return c;
  }
};

TEST_F(CommitmentChecks, AcceptsTheSampleAndTheEmptyCutsWithoutChainData) {
  EXPECT_TRUE(check_commitment_content(good, genesis));
  EpochCommitment replay = good;  // what relayctl replay writes: no chain data
  replay.end_time = 0;
  replay.set_cuts(std::vector<ChainCut>(2));
  EXPECT_TRUE(check_commitment_content(replay, genesis));
  // An empty cut next to real ones, and a cut at a real block 0 without vault events.
  EpochCommitment mixed = good;
  mixed.set_cuts(std::vector<ChainCut>{{}, {0, test::hash_of_byte(9), good.end_time, 0, {}}});
  EXPECT_TRUE(check_commitment_content(mixed, genesis));
  // A cut exactly at T_e belongs to epoch e.
  mixed.cut_timestamps[1] = good.end_time;
  EXPECT_TRUE(check_commitment_content(mixed, genesis));
}

TEST_F(CommitmentChecks, EndTimeMustBeTheGenesisScheduleOrZero) {
  EpochCommitment c = good;
  c.end_time += 1;
  refused(c, "commitment.end_time: 1764470081, but epoch 7 of the genesis schedule ends at "
             "1764470080");
  c.end_time -= 11;  // T_6: the previous epoch's end
  refused(c, "commitment.end_time: 1764470070");
  // A genesis without a schedule has only commitments without chain data.
  Genesis no_schedule = test::four_validators();
  no_schedule.epochs.reset();
  auto r = check_commitment_content(good, no_schedule);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("the genesis has no epochs schedule"), std::string::npos)
      << r.error().message;
  // An epoch whose T_e does not fit in 64 bits has no valid end time.
  c = good;
  c.epoch = UINT64_MAX;
  refused(c, "no time below 2^64");
}

TEST_F(CommitmentChecks, RefusesCutsThatAreNotCuts) {
  // Zero hash (the empty cut's) with anything else nonzero.
  for (int field = 0; field < 4; ++field) {
    ChainCut k;
    if (field == 0) k.height = 3;
    if (field == 1) k.timestamp = 5;
    if (field == 2) k.event_count = 1, k.accumulator = test::hash_of_byte(1);
    if (field == 3) k.accumulator = test::hash_of_byte(1);
    refused(with_cut0(k), "commitment: chain alpha: cut hash zero (the empty cut) but");
  }
  // Count and accumulator: zero exactly together.
  refused(with_cut0({4, test::hash_of_byte(2), 1764470000, 0, test::hash_of_byte(3)}),
          "commitment: chain alpha: event count 0 with accumulator 0x0303");
  refused(with_cut0({4, test::hash_of_byte(2), 1764470000, 2, Hash32{}}),
          "commitment: chain alpha: event count 2 with accumulator 0x0000");
  // A cut after the epoch's end.
  EpochCommitment late = good;
  late.cut_timestamps[1] = good.end_time + 1;
  refused(late, "commitment: chain beta: cut timestamp 1764470081 is after end_time 1764470080");
  // No chain data (end_time 0) but a real cut.
  EpochCommitment no_data = good;
  no_data.end_time = 0;
  no_data.set_cuts(std::vector<ChainCut>{{}, good.cut(1)});
  refused(no_data, "commitment: chain beta: end_time 0 (no chain data) but the cut is at block "
                   "4410");
}

TEST_F(CommitmentChecks, RefusesAmountsThatDoNotBalance) {
  EpochCommitment c = good;
  c.liabilities_totals[1] = Amount(2'401);
  refused(c, "commitment: asset USDC: custody 2500 != liabilities total 2401 + pending 100");
  c = good;
  c.pending[0] = Amount(1);  // chain alpha, ETH
  refused(c, "commitment: asset ETH: custody 1000000 != liabilities total 900000 + pending 100001");
  c = good;
  c.custody[3] = Amount(499);  // chain beta, USDC
  refused(c, "commitment: asset USDC: custody 2499");
  // Pending to a chain above its custody there, even when the sums balance.
  c = good;
  c.pending = {Amount(0), Amount(0), Amount(0), Amount(600)};  // USDC: 600 to beta, custody 500
  c.liabilities_totals = {Amount(1'000'000), Amount(1'900)};
  refused(c, "commitment: asset USDC: pending 600 to chain beta is above its custody there 500");
  // Sums over the chains that would reach 2^128 are refused, not wrapped.
  c = good;
  c.custody = {Amount::max(), Amount(2'000), Amount(1), Amount(500)};
  c.pending = {Amount(0), Amount(100), Amount(0), Amount(0)};
  c.liabilities_totals = {Amount(0), Amount(2'400)};
  refused(c, "commitment: asset ETH: custody, pending, or liabilities total + pending, over all "
             "chains reaches 2^128");
}

TEST_F(CommitmentChecks, CutsFollowThePreviousEpochs) {
  const EpochCommitment e6 = test::sample_commitment(genesis, 6);
  // Epoch 7 with epoch 6's cuts (no new block on either chain), then chain 0's cut replaced.
  EpochCommitment e7 = good;
  e7.set_cuts(std::vector<ChainCut>{e6.cut(0), e6.cut(1)});
  auto next = [&](const ChainCut& k) {
    EpochCommitment c = e7;
    c.set_cuts(std::vector<ChainCut>{k, e7.cut(1)});
    return c;
  };
  EXPECT_TRUE(check_cuts_follow(e6, e7, genesis)) << "the same cuts: no block in the epoch";
  EXPECT_TRUE(check_commitment_content(e7, genesis));
  const ChainCut p = e6.cut(0);
  ChainCut later = p;
  later.height += 3, later.hash = test::hash_of_byte(0x67), later.timestamp += 10;
  later.event_count += 2, later.accumulator = test::hash_of_byte(0x89);
  EXPECT_TRUE(check_cuts_follow(e6, next(later), genesis));
  ChainCut no_events = p;  // higher block, same timestamp, no vault event: still a cut
  no_events.height += 1, no_events.hash = test::hash_of_byte(0x68);
  EXPECT_TRUE(check_cuts_follow(e6, next(no_events), genesis));
  // Anything after an empty cut, and anything after a commitment without chain data.
  EpochCommitment e6_empty0 = e6;
  e6_empty0.set_cuts(std::vector<ChainCut>{{}, e6.cut(1)});
  EXPECT_TRUE(check_cuts_follow(e6_empty0, next(later), genesis));
  EpochCommitment replayed6 = e6, replayed7 = good;
  for (EpochCommitment* r : {&replayed6, &replayed7}) {
    r->end_time = 0;
    r->set_cuts(std::vector<ChainCut>(2));
  }
  EXPECT_TRUE(check_cuts_follow(replayed6, e7, genesis));
  EXPECT_TRUE(check_cuts_follow(replayed6, replayed7, genesis));

  // Once cuts are carried, they must go on.
  refused_follow(e6, replayed7, "epoch 7 has no cuts (end_time 0), but epoch 6's commitment has");
  EpochCommitment same_time = e7;
  same_time.end_time = e6.end_time;
  refused_follow(e6, same_time, "epoch 7: end_time 1764470070 is not after epoch 6's 1764470070");
  ChainCut lower = p;
  lower.height -= 1, lower.hash = test::hash_of_byte(0x01);
  refused_follow(e6, next(lower), "epoch 7: chain alpha: the cut at block 119 does not extend "
                                  "the previous cut at 120 (a lower block)");
  ChainCut fork = p;
  fork.hash = test::hash_of_byte(0x02);
  refused_follow(e6, next(fork), "(same height, another block or event state)");
  ChainCut older = p;
  older.height += 1, older.hash = test::hash_of_byte(0x03), older.timestamp = p.timestamp - 1;
  refused_follow(e6, next(older), "timestamp 1764470068 below 1764470069");
  ChainCut fewer = p;
  fewer.height += 1, fewer.hash = test::hash_of_byte(0x04), fewer.event_count = p.event_count - 1;
  refused_follow(e6, next(fewer), "event count 4 after 5");
  ChainCut rewritten = p;
  rewritten.height += 1, rewritten.hash = test::hash_of_byte(0x05);
  rewritten.accumulator = test::hash_of_byte(0x06);  // same count, another history
  refused_follow(e6, next(rewritten), "event count 5 after 5, accumulator 0x0606");
  refused_follow(e6, next({}), "chain alpha: the cut at block 0 does not extend");
}

}  // namespace
}  // namespace relay
