// EpochCommitter as the canonical state's observer: every committed epoch carries a commitment
// chained to the previous one, whose liabilities roots are the trees', custody the state's,
// withdrawal roots those of the epoch's certified withdrawals and heights the chains' cursors;
// it is stored (re-readable, same hash), survives a reopen so that the chain continues exactly
// as an uninterrupted run, rolls back a discarded epoch, and refuses folders that disagree.
#include "proofs/epoch_committer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "canonical_state/canonical_state.h"
#include "certificate_fixture.h"  // test::TempDir (the proofs tests' one: one definition per binary)
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

TEST(EpochCommitter, EachEpochsCommitmentChainsAndMatchesTreesStateWithdrawalsAndHeights) {
  const Genesis g = test::test_genesis();
  auto store = storage::make_memory_store();
  Node n = open_node(g, *store);
  EXPECT_EQ(n.committer->epochs(), 0u);
  EXPECT_TRUE(n.committer->last_hash().is_zero());
  Hash32 previous{};
  std::vector<uint64_t> heights(g.chains.size(), 0);
  size_t nonempty_withdrawal_trees = 0;
  const auto epochs = history();
  BatchStats stats;
  for (uint64_t e = 0; e < epochs.size(); ++e) {
    auto applied = n.state->apply_batch(epochs[e], false);
    ASSERT_TRUE(applied) << applied.error().message;
    stats.add(*applied);
    for (const Event& ev : epochs[e])
      for (size_t c = 0; c < g.chains.size(); ++c)
        if (g.chains[c].name == ev.chain) heights[c] = std::max(heights[c], ev.pos.block);

    ASSERT_TRUE(n.committer->last_commitment());
    const EpochCommitment& c = *n.committer->last_commitment();
    SCOPED_TRACE("epoch " + std::to_string(e));
    EXPECT_EQ(c.epoch, e);
    EXPECT_EQ(c.network_id, g.network_id);
    EXPECT_EQ(c.previous, previous) << "epoch k's previous is the hash of epoch k-1's";
    EXPECT_EQ(n.committer->last_hash(), commitment_hash(c));
    EXPECT_EQ(c.finalized_heights, heights);
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
      for (size_t a = 0; a < g.assets.size(); ++a)
        EXPECT_EQ(c.custody_at(ch, a), n.state->vault().custody(uint32_t(ch), uint32_t(a)));
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
  storage::WriteBatch batch;
  ASSERT_TRUE(n.committer->stage(changes, batch));
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
  changes.heights.assign(1, 0);  // the genesis has three chains
  changes.custody.assign(g.chains.size() * g.assets.size(), Amount{});
  storage::WriteBatch batch;
  auto r = (*c)->stage(changes, batch);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("heights"), std::string::npos) << r.error().message;
  EXPECT_EQ((*c)->trees().tree(0).total(), Amount{});
  (*c)->committed(false);
  EXPECT_EQ((*c)->epochs(), 0u);
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
