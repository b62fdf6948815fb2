// EpochCommitter as the canonical state's observer: every committed epoch carries a commitment
// chained to the previous one, whose liabilities roots are the trees', custody and pending the
// state's, withdrawal roots those of the epoch's certified withdrawals and cuts those the node
// gave with set_next_cuts (the empty cuts without them);
// it is stored (re-readable, same hash), survives a reopen so that the chain continues exactly
// as an uninterrupted run, rolls back a discarded epoch, and refuses folders that disagree.
#include "proofs/epoch_committer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "canonical_state/canonical_state.h"
#include "certificate_fixture.h"  // test::TempDir (the proofs tests' one: one definition per binary)
#include "proofs/commitment_checks.h"
#include "proofs/commitment_keys.h"
#include "proofs/commitment_store.h"
#include "proofs/withdrawal_tree.h"
#include "tests/support/fixture.h"
#include "vault/asset_registry.h"

namespace relay::proofs {
namespace {

using test::account;
using test::deposit;
using test::withdraw;

// Six epochs over the fixture's three chains: deposits of both assets, withdrawals to every
// chain (several in one epoch, some in none), a claim, and a rejected event.
std::vector<std::vector<Event>> history() {
  std::vector<std::vector<Event>> epochs(6);
  epochs[0] = {deposit("alpha", 1, 0, test::kEthToken, account(1), "5000"),
               deposit("alpha", 1, 1, test::kUsdcAlpha, account(2), "700"),
               deposit("beta", 4, 0, test::kUsdcBeta, account(3), "900000000000000000000"),
               deposit("beta", 4, 1, test::kEthToken, account(8), "1000"),
               deposit("gamma", 2, 0, test::kUsdcGamma, account(4), "12345")};
  epochs[1] = {withdraw("alpha", 2, 0, account(1), "ETH", "100", "beta"),
               withdraw("alpha", 2, 1, account(2), "USDC", "300", "alpha"),
               withdraw("beta", 5, 0, account(3), "USDC", "200", "alpha"),
               withdraw("beta", 5, 1, account(3), "USDC", "20000", "gamma")};
  epochs[2] = {deposit("alpha", 3, 0, test::kEthToken, account(5), "1"),
               withdraw("alpha", 3, 1, account(1), "ETH", "7", "alpha"),
               withdraw("alpha", 3, 2, account(1), "ETH", "8", "alpha"),
               withdraw("alpha", 3, 3, account(1), "ETH", "9", "alpha")};
  epochs[3] = {test::claim("alpha", 4, 0, withdrawal_id(ChainId{1}, {2, 1})),
               deposit("gamma", 1, 0, test::kUsdcGamma, account(6), "1")};  // out of order
  epochs[4] = {};
  epochs[5] = {deposit("beta", 9, 0, test::kEthToken, account(7), "3"),
               withdraw("beta", 9, 1, account(7), "ETH", "3", "alpha")};
  return epochs;
}

// The leaves of the withdrawals to `chain` requested in `epoch`, from the vault's own records.
std::vector<WithdrawalLeaf> certified_to(const Genesis& g, const Vault& v, size_t chain,
                                         uint64_t epoch) {
  std::vector<WithdrawalLeaf> leaves;
  for (const auto& [id, w] : v.sorted_withdrawals()) {
    if (w.epoch != epoch || w.dest_chain != chain) continue;
    const AssetConfig& asset = g.assets[w.asset];
    const TokenConfig* token = asset.token_on(chain);
    auto amount = AssetRegistry::to_token_units(w.amount, asset.decimals, token->decimals);
    EXPECT_TRUE(amount);
    leaves.push_back({id, w.recipient, token->address, *amount});
  }
  return leaves;
}

struct Node {
  std::unique_ptr<EpochCommitter> committer;
  std::unique_ptr<CanonicalState> state;
};

Node open_node(const Genesis& g, storage::KvStore& store) {
  Node n;
  auto c = EpochCommitter::open(g, store);
  if (!c) throw std::runtime_error(c.error().message);
  n.committer = std::move(*c);
  auto s = CanonicalState::open(g, store, n.committer.get());
  if (!s) throw std::runtime_error(s.error().message);
  n.state = std::move(*s);
  return n;
}

TEST(EpochCommitter, EachEpochsCommitmentChainsAndMatchesTreesStateWithdrawalsAndPending) {
  const Genesis g = test::test_genesis();
  auto store = storage::make_memory_store();
  Node n = open_node(g, *store);
  EXPECT_EQ(n.committer->epochs(), 0u);
  EXPECT_TRUE(n.committer->last_hash().is_zero());
  Hash32 previous{};
  size_t nonempty_withdrawal_trees = 0, nonzero_pending = 0;
  const auto epochs = history();
  BatchStats stats;
  for (uint64_t e = 0; e < epochs.size(); ++e) {
    auto applied = n.state->apply_batch(epochs[e], false);
    ASSERT_TRUE(applied) << applied.error().message;
    stats.add(*applied);

    ASSERT_TRUE(n.committer->last_commitment());
    const EpochCommitment& c = *n.committer->last_commitment();
    SCOPED_TRACE("epoch " + std::to_string(e));
    EXPECT_EQ(c.epoch, e);
    EXPECT_EQ(c.network_id, g.network_id);
    EXPECT_EQ(c.previous, previous) << "epoch k's previous is the hash of epoch k-1's";
    EXPECT_EQ(n.committer->last_hash(), commitment_hash(c));
    // No set_next_cuts (as in relayctl replay): no chain data, the empty cuts.
    EXPECT_EQ(c.end_time, 0u);
    for (size_t ch = 0; ch < g.chains.size(); ++ch) EXPECT_TRUE(c.cut(ch).is_empty()) << ch;
    EXPECT_TRUE(check_commitment_content(c, g)) << "what is stored passes the content checks";
    for (size_t a = 0; a < g.assets.size(); ++a) {
      EXPECT_EQ(c.liabilities_roots[a], n.committer->trees().tree(a).root());
      // The trees sum balances only (pending withdrawals are not in them).
      Amount balances;
      for (const auto& [k, v] : n.state->vault().sorted_balances())
        if (k.asset == a) balances = *balances.checked_add(v);
      EXPECT_EQ(c.liabilities_totals[a], balances);
      EXPECT_EQ(c.liabilities_totals[a], n.committer->trees().tree(a).total());
    }
    for (size_t ch = 0; ch < g.chains.size(); ++ch) {
      for (size_t a = 0; a < g.assets.size(); ++a) {
        EXPECT_EQ(c.custody_at(ch, a), n.state->vault().custody(uint32_t(ch), uint32_t(a)));
        EXPECT_EQ(c.pending_at(ch, a), n.state->vault().pending(uint32_t(ch), uint32_t(a)));
        nonzero_pending += !c.pending_at(ch, a).is_zero();
      }
      auto leaves = certified_to(g, n.state->vault(), ch, e);
      nonempty_withdrawal_trees += !leaves.empty();
      auto tree = WithdrawalTree::build(leaves);
      ASSERT_TRUE(tree);
      EXPECT_EQ(c.withdrawal_roots[ch], tree->root()) << "chain " << ch;
    }
    // Stored: the bytes re-read decode to the same commitment and hash to the same value.
    auto stored = load_commitment(*store, e);
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->commitment, c);
    EXPECT_EQ(stored->encoding, encode_commitment(c));
    EXPECT_EQ(stored->hash, n.committer->last_hash());
    previous = n.committer->last_hash();
  }
  EXPECT_EQ(stats.rejected_total(), 1u) << "only the out-of-order deposit is rejected";
  EXPECT_EQ(nonempty_withdrawal_trees, 5u) << "the history must exercise withdrawal trees";
  EXPECT_GT(nonzero_pending, 3u) << "the history must leave withdrawals pending";
  EXPECT_EQ(n.committer->epochs(), epochs.size());
  EXPECT_TRUE(n.committer->check_state_epochs(n.state->next_epoch()));
  // Every key written is the state's or under the proofs' prefixes.
  ASSERT_TRUE(store->scan("", [](std::string_view k, std::string_view) {
    EXPECT_TRUE(k.starts_with("S/") || k.starts_with("P/L/") || k.starts_with("P/C/") ||
                k.starts_with("P/W/"))
        << k;
    return true;
  }));
}

TEST(EpochCommitter, StoredWithdrawalProofsVerifyAgainstTheCommittedRoot) {
  const Genesis g = test::test_genesis();
  auto store = storage::make_memory_store();
  Node n = open_node(g, *store);
  const auto epochs = history();
  for (const auto& b : epochs) ASSERT_TRUE(n.state->apply_batch(b, false));
  // Epoch 2 certified three withdrawals to alpha.
  auto stored = load_commitment(*store, 2);
  ASSERT_TRUE(stored);
  for (uint32_t log : {1u, 2u, 3u}) {
    const WithdrawalId id = withdrawal_id(ChainId{1}, {3, log});
    auto p = prove_stored_withdrawal(*store, 2, id);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->chain, 0u);
    EXPECT_EQ(p->document.root, stored->commitment.withdrawal_roots[0]);
    EXPECT_EQ(p->document.proof.count, 3u);
    EXPECT_TRUE(verify_withdrawal_proof(p->document.root, p->document.leaf, p->document.proof));
  }
  // Not certified in that epoch (it was in epoch 1), and an unknown epoch.
  auto other = prove_stored_withdrawal(*store, 2, withdrawal_id(ChainId{1}, {2, 0}));
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("not certified in epoch 2"), std::string::npos)
      << other.error().message;
  auto late = load_commitment(*store, 99);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("epochs 0 to 5"), std::string::npos) << late.error().message;
}

TEST(EpochCommitter, ReopenedLevelDbFolderContinuesTheChainWithTheSameHashes) {
  const Genesis g = test::test_genesis();
  const auto epochs = history();
  std::vector<Hash32> uninterrupted;
  {
    auto mem = storage::make_memory_store();
    Node n = open_node(g, *mem);
    for (const auto& b : epochs) {
      ASSERT_TRUE(n.state->apply_batch(b, false));
      uninterrupted.push_back(n.committer->last_hash());
    }
  }
  test::TempDir dir;
  std::vector<Hash32> resumed;
  for (size_t from : {size_t{0}, size_t{2}, size_t{3}}) {  // three processes' worth of runs
    auto db = storage::open_leveldb(dir.file("data"));
    ASSERT_TRUE(db) << db.error().message;
    Node n = open_node(g, **db);
    ASSERT_EQ(n.state->next_epoch(), from);
    ASSERT_EQ(n.committer->epochs(), from);
    EXPECT_EQ(n.committer->last_hash(), from ? uninterrupted[from - 1] : Hash32{})
        << "the last hash is restored from the store";
    const size_t to = from == 3 ? epochs.size() : from == 0 ? 2 : 3;
    for (size_t e = from; e < to; ++e) {
      ASSERT_TRUE(n.state->apply_batch(epochs[e]));
      resumed.push_back(n.committer->last_hash());
    }
  }
  EXPECT_EQ(resumed, uninterrupted);
}

TEST(EpochCommitter, DiscardedEpochLeavesHashTreesAndNextStageAsBefore) {
  const Genesis g = test::test_genesis();
  auto store = storage::make_memory_store();
  Node n = open_node(g, *store);
  const auto epochs = history();
  ASSERT_TRUE(n.state->apply_batch(epochs[0], false));
  const Hash32 hash = n.committer->last_hash();
  const Hash32 root = n.committer->trees().tree(1).root();

  EpochChanges changes;
  changes.epoch = 1;
  changes.balances = {{account(9), 1, Amount(77)}};
  changes.heights.assign(g.chains.size(), 0);
  changes.custody.assign(g.chains.size() * g.assets.size(), Amount{});
  changes.pending.assign(g.chains.size() * g.assets.size(), Amount{});
  // Custody that balances the new balance (the commitment's content is checked).
  changes.custody[1] = *n.state->vault().custody(0, 1).checked_add(Amount(77));
  for (uint32_t c = 0; c < g.chains.size(); ++c)
    for (uint32_t a = 0; a < g.assets.size(); ++a)
      if (c != 0 || a != 1)
        changes.custody[c * g.assets.size() + a] = n.state->vault().custody(c, a);
  storage::WriteBatch batch;
  auto staged = n.committer->stage(changes, batch);
  ASSERT_TRUE(staged) << staged.error().message;
  EXPECT_NE(n.committer->trees().tree(1).root(), root);
  n.committer->committed(false);
  EXPECT_EQ(n.committer->trees().tree(1).root(), root);
  EXPECT_EQ(n.committer->last_hash(), hash);
  EXPECT_EQ(n.committer->epochs(), 1u);
  // The same epoch can be staged again, and epoch numbers must follow on.
  storage::WriteBatch again;
  ASSERT_TRUE(n.committer->stage(changes, again));
  n.committer->committed(false);
  changes.epoch = 2;
  auto gap = n.committer->stage(changes, again);
  ASSERT_FALSE(gap);
  EXPECT_NE(gap.error().message.find("next epoch to commit is 1"), std::string::npos)
      << gap.error().message;
  EXPECT_EQ(n.committer->trees().tree(1).root(), root) << "a refused stage leaves the trees";
}

TEST(EpochCommitter, BadEpochChangesAbortTheEpochAndLeaveTheTrees) {
  const Genesis g = test::test_genesis();
  auto store = storage::make_memory_store();
  auto c = EpochCommitter::open(g, *store);
  ASSERT_TRUE(c);
  EpochChanges changes;
  changes.balances = {{account(9), 0, Amount(5)}};
  changes.heights.assign(g.chains.size(), 0);
  changes.custody.assign(g.chains.size() * g.assets.size(), Amount{});
  changes.custody[0] = Amount(5);
  changes.pending.assign(1, Amount{});  // the genesis has three chains and two assets
  storage::WriteBatch batch;
  auto refused = [&](const EpochChanges& ch, const std::string& needle) {
    auto r = (*c)->stage(ch, batch);
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
    EXPECT_EQ((*c)->trees().tree(0).total(), Amount{});
    (*c)->committed(false);
    EXPECT_EQ((*c)->epochs(), 0u);
  };
  refused(changes, "1 pending entries for 3 chains x 2 assets");
  changes.pending.assign(g.chains.size() * g.assets.size(), Amount{});
  changes.custody[0] = Amount(4);  // custody below the balance: no honest state gives this
  refused(changes, "commitment: asset ETH: custody 4 != liabilities total 5 + pending 0");
  changes.custody[0] = Amount(5);
  changes.heights.assign(1, 0);
  ASSERT_TRUE((*c)->set_next_cuts(0, 0, std::vector<ChainCut>(3)));
  refused(changes, "1 applied heights for 3 chains");
  changes.heights.assign(g.chains.size(), 0);
  auto ok = (*c)->stage(changes, batch);
  ASSERT_TRUE(ok) << ok.error().message;
}

// The test genesis with an epochs schedule: T_e = kT0 + (e + 1) * 10.
constexpr uint64_t kT0 = 1764470000;
Genesis scheduled_genesis() {
  Genesis g = test::test_genesis();
  g.epochs = EpochSchedule{kT0, 10};
  return g;
}
uint64_t end_of(uint64_t e) { return kT0 + (e + 1) * 10; }

// Cuts as a node would give them for history(): per chain, the highest block of the epoch's
// events (or the previous cut), a block hash and accumulator made up from the chain, height and
// count, a timestamp before T_e, and the number of vault events emitted so far.
std::vector<std::vector<ChainCut>> cuts_of(const Genesis& g,
                                           const std::vector<std::vector<Event>>& epochs) {
  std::vector<std::vector<ChainCut>> out;
  std::vector<ChainCut> cut(g.chains.size());
  for (uint64_t e = 0; e < epochs.size(); ++e) {
    for (size_t c = 0; c < g.chains.size(); ++c) {
      uint64_t height = cut[c].height, count = cut[c].event_count;
      bool moved = false;
      for (const Event& ev : epochs[e]) {
        // history() has one event below its chain's cut (refused by the state as out of
        // order): a chain has no such block, so it is not chain data.
        if (ev.chain != g.chains[c].name || ev.pos.block < cut[c].height) continue;
        height = std::max(height, ev.pos.block), ++count, moved = true;
      }
      if (!moved) continue;
      cut[c] = {height, {}, end_of(e) - 2, count, {}};
      cut[c].hash.bytes = {uint8_t(c + 1), uint8_t(height), 0xb1};
      cut[c].accumulator.bytes = {uint8_t(c + 1), uint8_t(count), 0xac};
    }
    out.push_back(cut);
  }
  return out;
}

TEST(EpochCommitter, CarriesTheCutsAndEndTimeGivenBySetNextCuts) {
  const Genesis g = scheduled_genesis();
  auto store = storage::make_memory_store();
  Node n = open_node(g, *store);
  const auto epochs = history();
  const auto cuts = cuts_of(g, epochs);
  for (uint64_t e = 0; e < epochs.size(); ++e) {
    SCOPED_TRACE("epoch " + std::to_string(e));
    auto set = n.committer->set_next_cuts(e, end_of(e), cuts[e]);
    ASSERT_TRUE(set) << set.error().message;
    auto applied = n.state->apply_batch(epochs[e], false);
    ASSERT_TRUE(applied) << applied.error().message;
    const EpochCommitment& c = *n.committer->last_commitment();
    EXPECT_EQ(c.end_time, end_of(e));
    for (size_t ch = 0; ch < g.chains.size(); ++ch) EXPECT_EQ(c.cut(ch), cuts[e][ch]) << ch;
    auto stored = load_commitment(*store, e);
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->commitment, c);
  }
  EXPECT_EQ(cuts[4], cuts[3]) << "epoch 4 has no events: its cuts do not move";
  EXPECT_EQ(cuts[5][1].height, 9u);

  // The cuts are used up by their epoch: an epoch without them would carry the empty cuts,
  // which may not follow cuts. Refused whole: the store keeps epochs 0 to 5.
  const Hash32 last = n.committer->last_hash();
  auto without = n.state->apply_batch({}, false);
  ASSERT_FALSE(without);
  EXPECT_NE(without.error().message.find("epoch 6 has no cuts (end_time 0), but epoch 5's "
                                         "commitment has"),
            std::string::npos)
      << without.error().message;
  n.state.reset();  // a failed commit leaves the state unusable: reopen
  n.committer.reset();
  n = open_node(g, *store);
  EXPECT_EQ(n.state->next_epoch(), 6u);
  EXPECT_EQ(n.committer->last_hash(), last);
  ASSERT_TRUE(n.committer->set_next_cuts(6, end_of(6), cuts[5]));
  auto with = n.state->apply_batch({}, false);
  ASSERT_TRUE(with) << with.error().message;
  EXPECT_EQ(n.committer->last_commitment()->previous, last);
}

TEST(EpochCommitter, SetNextCutsRefusesCutsThatDoNotFitBeforeAnythingIsApplied) {
  const Genesis g = scheduled_genesis();
  const auto epochs = history();
  const auto cuts = cuts_of(g, epochs);
  // The hashes of an uninterrupted run with the right cuts.
  std::vector<Hash32> expected;
  {
    auto mem = storage::make_memory_store();
    Node n = open_node(g, *mem);
    for (uint64_t e = 0; e < 2; ++e) {
      ASSERT_TRUE(n.committer->set_next_cuts(e, end_of(e), cuts[e]));
      ASSERT_TRUE(n.state->apply_batch(epochs[e], false));
      expected.push_back(n.committer->last_hash());
    }
  }
  auto store = storage::make_memory_store();
  Node n = open_node(g, *store);
  auto reopen = [&] {
    n.state.reset();
    n.committer.reset();
    n = open_node(g, *store);
  };
  auto refused = [&](uint64_t epoch, uint64_t end_time, std::vector<ChainCut> k,
                     const std::string& needle) {
    SCOPED_TRACE(needle);
    auto r = n.committer->set_next_cuts(epoch, end_time, std::move(k));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.rfind("set_next_cuts: epoch " + std::to_string(epoch) + ": ", 0),
              0u)
        << r.error().message;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  refused(1, end_of(1), cuts[0], "the next epoch to commit is 0");
  refused(0, end_of(0), {cuts[0][0], cuts[0][1]}, "2 cuts, the genesis has 3 chains");
  refused(0, end_of(1), cuts[0], "commitment.end_time: 1764470020, but epoch 0 of the genesis "
                                 "schedule ends at 1764470010");
  auto late = cuts[0];
  late[2].timestamp = end_of(0) + 1;
  refused(0, end_of(0), late, "commitment: chain gamma: cut timestamp 1764470011 is after");
  auto half = cuts[0];
  half[0].accumulator = Hash32{};
  refused(0, end_of(0), half, "commitment: chain alpha: event count 2 with accumulator 0x00");
  EXPECT_EQ(n.state->next_epoch(), 0u);
  // After a refusal the epoch is not committed with the refused (or no) cuts.
  auto after_refusal = n.state->apply_batch(epochs[0], false);
  ASSERT_FALSE(after_refusal);
  EXPECT_NE(after_refusal.error().message.find("epoch 0: the cuts given for it were refused "
                                               "(set_next_cuts: epoch 0: commitment: chain alpha"),
            std::string::npos)
      << after_refusal.error().message;
  reopen();
  EXPECT_EQ(n.committer->epochs(), 0u);
  // Cuts that are fine alone, but below a block the epoch's events came from: found at stage.
  auto below = cuts[0];
  below[1].height = 3;  // beta's events of epoch 0 are in block 4
  ASSERT_TRUE(n.committer->set_next_cuts(0, end_of(0), below));
  auto beyond = n.state->apply_batch(epochs[0], false);
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().message.find("chain beta: the state applied an event of block 4, "
                                        "beyond the cut at block 3 (set_next_cuts)"),
            std::string::npos)
      << beyond.error().message;
  reopen();
  EXPECT_EQ(n.committer->epochs(), 0u);

  ASSERT_TRUE(n.committer->set_next_cuts(0, end_of(0), cuts[0]));
  ASSERT_TRUE(n.state->apply_batch(epochs[0], false));
  EXPECT_EQ(n.committer->last_hash(), expected[0]);
  // Epoch 1's cuts must extend epoch 0's.
  auto back = cuts[1];
  back[0] = cuts[0][0];
  back[0].height -= 1;
  back[0].hash.bytes[9] = 1;
  refused(1, end_of(1), back, "epoch 1: chain alpha: the cut at block 0 does not extend the "
                              "previous cut at 1 (a lower block)");
  auto fork = cuts[1];
  fork[2].hash.bytes[9] = 1;  // gamma did not move in epoch 1: the same height, another hash
  refused(1, end_of(1), fork, "epoch 1: chain gamma: the cut at block 2 does not extend the "
                              "previous cut at 2 (same height, another block or event state)");
  // A second call replaces the refused cuts; the run then gives the uninterrupted hashes.
  ASSERT_TRUE(n.committer->set_next_cuts(1, end_of(1), cuts[1]));
  ASSERT_TRUE(n.state->apply_batch(epochs[1], false));
  EXPECT_EQ(n.committer->last_hash(), expected[1])
      << "the refusals left nothing behind: the same hashes as an uninterrupted run";
}

TEST(EpochCommitter, RefusesAFolderWhoseTreesOrStateAreAtAnotherEpoch) {
  const Genesis g = test::test_genesis();
  const auto epochs = history();
  {  // Trees without commitments: a folder written before commitments were kept.
    auto store = storage::make_memory_store();
    auto trees = LiabilitiesTrees::open(g, *store);
    ASSERT_TRUE(trees);
    auto s = CanonicalState::open(g, *store, trees->get());
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->apply_batch(epochs[0], false));
    auto c = EpochCommitter::open(g, *store);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("liabilities trees cover 1 epoch(s) but the epoch "
                                     "commitments 0"),
              std::string::npos)
        << c.error().message;
  }
  {  // A state written with no observer: trees and commitments at 0, the state at 2.
    auto store = storage::make_memory_store();
    auto s = CanonicalState::open(g, *store);
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->apply_batch(epochs[0], false));
    ASSERT_TRUE((*s)->apply_batch(epochs[1], false));
    auto c = EpochCommitter::open(g, *store);
    ASSERT_TRUE(c) << c.error().message;
    auto r = (*c)->check_state_epochs(2);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("cover 0 epoch(s) but the state 2"), std::string::npos)
        << r.error().message;
  }
  {  // A head whose hash is not the stored commitment's: a corrupt store.
    auto store = storage::make_memory_store();
    {
      Node n = open_node(g, *store);
      ASSERT_TRUE(n.state->apply_batch(epochs[0], false));
    }
    storage::WriteBatch b;
    b.put(commitment_keys::kHead, liabilities_keys::be64(0) + std::string(32, '\x01'));
    ASSERT_TRUE(store->write(b, false));
    auto c = EpochCommitter::open(g, *store);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("store corrupt"), std::string::npos) << c.error().message;
  }
}

}  // namespace
}  // namespace relay::proofs
