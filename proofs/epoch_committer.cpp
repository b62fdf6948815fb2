#include "proofs/epoch_committer.h"

#include <string>

#include "proofs/commitment_checks.h"
#include "proofs/commitment_keys.h"
#include "proofs/commitment_store.h"
#include "vault/sha256.h"

namespace relay::proofs {
namespace {

namespace ck = commitment_keys;

std::string count(std::optional<uint64_t> last_epoch) {
  return std::to_string(last_epoch ? *last_epoch + 1 : 0) + " epoch(s)";
}

}  // namespace

Result<std::unique_ptr<EpochCommitter>> EpochCommitter::open(const Genesis& genesis,
                                                             const storage::KvStore& store) {
  auto trees = LiabilitiesTrees::open(genesis, store);
  if (!trees) return std::unexpected(trees.error());
  auto head = load_commitment_head(store);
  if (!head) return std::unexpected(head.error());
  const std::optional<uint64_t> last_epoch =
      *head ? std::optional<uint64_t>((*head)->epoch) : std::nullopt;
  if ((*trees)->epoch() != last_epoch)
    return fail("the liabilities trees cover " + count((*trees)->epoch()) +
                " but the epoch commitments " + count(last_epoch) +
                " (a folder written before commitments were kept, or by something else)");
  if (!*head)
    return std::unique_ptr<EpochCommitter>(
        new EpochCommitter(genesis, std::move(*trees), std::nullopt, Hash32{}));

  auto stored = load_commitment(store, (*head)->epoch);
  if (!stored) return std::unexpected(stored.error());
  const EpochCommitment& c = stored->commitment;
  const std::string at = "epoch commitments: the last, of epoch " + std::to_string(c.epoch) + ", ";
  if (c.network_id != genesis.network_id)
    return fail(at + "is of another network (" + c.network_id.hex() + ", the genesis is " +
                genesis.network_id.hex() + ")");
  if (auto r = check_commitment_against(c, genesis); !r)
    return fail(at + "does not fit the genesis: " + r.error().message);
  for (size_t a = 0; a < c.asset_count(); ++a)
    if (c.liabilities_roots[a] != (*trees)->tree(a).root() ||
        c.liabilities_totals[a] != (*trees)->tree(a).total())
      return fail(at + "holds liabilities root " + c.liabilities_roots[a].hex() + " for " +
                  genesis.assets[a].id.value + " but the tree's is " +
                  (*trees)->tree(a).root().hex());
  return std::unique_ptr<EpochCommitter>(
      new EpochCommitter(genesis, std::move(*trees), std::move(stored->commitment), stored->hash));
}

Result<void> EpochCommitter::check_state_epochs(uint64_t state_epochs) const {
  if (epochs() != state_epochs)
    return fail("the epoch commitments and liabilities trees cover " + std::to_string(epochs()) +
                " epoch(s) but the state " + std::to_string(state_epochs) +
                " (a folder written before commitments were kept, or by something else)");
  return {};
}

Result<void> EpochCommitter::set_next_cuts(uint64_t epoch, uint64_t end_time,
                                           std::vector<ChainCut> cuts) {
  next_cuts_ = NextCuts{epoch, end_time, std::move(cuts), std::nullopt};
  const std::string at = "set_next_cuts: epoch " + std::to_string(epoch) + ": ";
  auto refuse = [&](const std::string& why) -> Result<void> {
    next_cuts_->refused = at + why;
    return fail(*next_cuts_->refused);
  };
  if (epoch != epochs())
    return refuse("the next epoch to commit is " + std::to_string(epochs()));
  if (next_cuts_->cuts.size() != genesis_.chains.size())
    return refuse(std::to_string(next_cuts_->cuts.size()) + " cuts, the genesis has " +
                  std::to_string(genesis_.chains.size()) + " chains");
  // What can be checked before the epoch is applied: the cut fields alone, and against the
  // last commitment's (the rest of the commitment is not known yet).
  EpochCommitment probe;
  probe.epoch = epoch;
  probe.end_time = end_time;
  probe.set_cuts(next_cuts_->cuts);
  if (auto r = check_commitment_cuts(probe, genesis_); !r) return refuse(r.error().message);
  if (last_)
    if (auto r = check_cuts_follow(*last_, probe, genesis_); !r) return refuse(r.error().message);
  return {};
}

Result<void> EpochCommitter::check_next_cuts(const EpochChanges& changes) const {
  const std::string at = "epoch commitments: epoch " + std::to_string(changes.epoch) + ": ";
  const size_t chains = genesis_.chains.size();
  if (next_cuts_->refused)
    return fail(at + "the cuts given for it were refused (" + *next_cuts_->refused + ")");
  if (next_cuts_->epoch != changes.epoch)
    return fail(at + "set_next_cuts gave the cuts of epoch " + std::to_string(next_cuts_->epoch) +
                ", not of this one");
  if (next_cuts_->cuts.size() != chains)
    return fail(at + "set_next_cuts gave " + std::to_string(next_cuts_->cuts.size()) +
                " cuts, the genesis has " + std::to_string(chains) + " chains");
  if (changes.heights.size() != chains)
    return fail(at + std::to_string(changes.heights.size()) + " applied heights for " +
                std::to_string(chains) + " chains");
  for (size_t c = 0; c < chains; ++c)
    if (changes.heights[c] > next_cuts_->cuts[c].height)
      return fail(at + "chain " + genesis_.chains[c].name + ": the state applied an event of "
                  "block " + std::to_string(changes.heights[c]) + ", beyond the cut at block " +
                  std::to_string(next_cuts_->cuts[c].height) + " (set_next_cuts)");
  return {};
}

Result<void> EpochCommitter::stage(const EpochChanges& changes, storage::WriteBatch& batch) {
  if (pending_)
    return fail("epoch commitments: epoch " + std::to_string(pending_->commitment.epoch) +
                " was staged but neither committed nor discarded");
  // Commitments chain epoch to epoch: a gap would leave an epoch without one.
  if (changes.epoch != epochs())
    return fail("epoch commitments: epoch " + std::to_string(changes.epoch) +
                " staged, but the next epoch to commit is " + std::to_string(epochs()));
  if (next_cuts_)
    if (auto r = check_next_cuts(changes); !r) return r;
  if (auto r = trees_->stage(changes, batch); !r) return r;

  liabilities_.clear();
  for (size_t a = 0; a < trees_->asset_count(); ++a)
    liabilities_.push_back({trees_->tree(a).root(), trees_->tree(a).total()});
  // Without chain data (relayctl replay): the empty cuts and end_time 0 (docs/node.md).
  const std::vector<ChainCut> empty(next_cuts_ ? 0 : genesis_.chains.size());
  auto built = build_epoch_commitment(genesis_, last_hash_, changes, liabilities_,
                                      next_cuts_ ? next_cuts_->end_time : 0,
                                      next_cuts_ ? next_cuts_->cuts : empty);
  Result<void> checked = built ? check_commitment_content(built->commitment, genesis_)
                               : Result<void>(std::unexpected(built.error()));
  if (checked && last_) checked = check_cuts_follow(*last_, built->commitment, genesis_);
  if (!checked) {
    trees_->committed(false);  // undo the trees' part of the epoch
    return fail("epoch commitments: " + checked.error().message);
  }
  const std::vector<uint8_t> encoding = encode_commitment(built->commitment);
  const Hash32 hash = sha256(encoding);
  batch.put(ck::commitment_key(changes.epoch),
            {reinterpret_cast<const char*>(encoding.data()), encoding.size()});
  for (size_t chain = 0; chain < built->withdrawal_trees.size(); ++chain) {
    const WithdrawalTree& t = built->withdrawal_trees[chain];
    if (t.size() != 0)
      batch.put(ck::withdrawals_key(changes.epoch, chain), withdrawal_leaves_record(t.leaves()));
  }
  std::string head = liabilities_keys::be64(changes.epoch);
  head.append(reinterpret_cast<const char*>(hash.bytes.data()), 32);
  batch.put(ck::kHead, head);
  batch.put(ck::kFormat, liabilities_keys::be32(ck::kFormatVersion));
  pending_ = Pending{std::move(built->commitment), hash};
  return {};
}

void EpochCommitter::committed(bool ok) {
  trees_->committed(ok);
  if (!pending_) return;
  if (ok) {
    if (next_cuts_ && next_cuts_->epoch == pending_->commitment.epoch) next_cuts_.reset();
    last_ = std::move(pending_->commitment);
    last_hash_ = pending_->hash;
  }
  pending_.reset();
}

}  // namespace relay::proofs
