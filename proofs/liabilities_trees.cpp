#include "proofs/liabilities_trees.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "proofs/liabilities_keys.h"

namespace relay::proofs {
namespace {

namespace lk = liabilities_keys;

std::string amount_bytes(Amount a) {
  std::string s(16, '\0');
  a.to_be_bytes(reinterpret_cast<uint8_t*>(s.data()));
  return s;
}

Amount amount_of(std::string_view s) {
  return Amount::from_be_bytes(reinterpret_cast<const uint8_t*>(s.data()));
}

// Rebuilds one asset's tree from its stored leaves and checks it against the stored root.
Result<SumTree> load_tree(const storage::KvStore& store, size_t index, const std::string& id) {
  SumTree tree(id);
  const std::string prefix = lk::leaf_prefix(index);
  std::vector<LeafUpdate> leaves;
  std::string bad;
  Sha256 h;
  auto scanned = store.scan(prefix, [&](std::string_view k, std::string_view v) {
    if (k.size() != prefix.size() + 32 || v.size() != 48) {
      bad = "a leaf record of the wrong size";
      return false;
    }
    LeafUpdate u{Hash32::from_span({reinterpret_cast<const uint8_t*>(k.data()) + prefix.size(), 32}),
                 amount_of(v.substr(32))};
    const auto account = AccountId::from_span({reinterpret_cast<const uint8_t*>(v.data()), 32});
    if (u.balance.is_zero() || tree_key(h, account) != u.key) {
      bad = "leaf " + u.key.hex() + " has a zero balance or a key not derived from its account";
      return false;
    }
    leaves.push_back(u);
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (!bad.empty()) return fail("liabilities of " + id + ": store corrupt: " + bad);
  if (auto r = tree.apply(leaves); !r) return std::unexpected(r.error());

  auto rec = store.get(lk::root_key(index));
  if (!rec) return std::unexpected(rec.error());
  if (!*rec) {
    if (tree.size() != 0) return fail("liabilities of " + id + ": store corrupt: leaves without a root");
    return tree;
  }
  const std::string& r = **rec;
  if (r.size() != 32 + 16 + 8) return fail("liabilities of " + id + ": store corrupt: root record size");
  const Hash32 root = Hash32::from_span({reinterpret_cast<const uint8_t*>(r.data()), 32});
  if (root != tree.root() || amount_of(std::string_view(r).substr(32, 16)) != tree.total() ||
      lk::read_be(std::string_view(r).substr(48)) != tree.size())
    return fail("liabilities of " + id + ": store corrupt: the leaves hash to " +
                tree.root().hex() + ", the stored root is " + root.hex());
  return tree;
}

}  // namespace

Result<std::vector<std::string>> LiabilitiesTrees::stored_assets(const storage::KvStore& store) {
  std::vector<std::string> ids;
  std::string bad;
  auto scanned = store.scan(lk::kAssets, [&](std::string_view k, std::string_view v) {
    if (k.size() != lk::kAssets.size() + 4 ||
        lk::read_be(k.substr(lk::kAssets.size())) != ids.size()) {
      bad = "asset records not numbered 0, 1, 2...";
      return false;
    }
    ids.emplace_back(v);
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (!bad.empty()) return fail("liabilities: store corrupt: " + bad);
  return ids;
}

Result<std::unique_ptr<LiabilitiesTrees>> LiabilitiesTrees::open(const Genesis& genesis,
                                                                 const storage::KvStore& store) {
  auto stored = stored_assets(store);
  if (!stored) return std::unexpected(stored.error());
  if (stored->size() > genesis.assets.size())
    return fail("liabilities: the store holds " + std::to_string(stored->size()) +
                " assets, the genesis only " + std::to_string(genesis.assets.size()));
  std::vector<SumTree> trees;
  for (size_t i = 0; i < genesis.assets.size(); ++i) {
    const std::string& id = genesis.assets[i].id.value;
    if (id.empty() || id.size() > 255)  // proofs carry the id behind a length byte
      return fail("liabilities: genesis assets[" + std::to_string(i) +
                  "].id: empty or longer than 255 bytes");
    if (i < stored->size() && (*stored)[i] != id)
      return fail("liabilities: asset " + std::to_string(i) + " is " + (*stored)[i] +
                  " in the store but " + id + " in the genesis");
    auto tree = load_tree(store, i, id);
    if (!tree) return std::unexpected(tree.error());
    trees.push_back(std::move(*tree));
  }
  auto e = store.get(lk::kEpoch);
  if (!e) return std::unexpected(e.error());
  std::optional<uint64_t> epoch;
  if (*e) {
    if ((*e)->size() != 8) return fail("liabilities: store corrupt: epoch record size");
    epoch = lk::read_be(**e);
  }
  return std::unique_ptr<LiabilitiesTrees>(new LiabilitiesTrees(std::move(trees), epoch));
}

Result<SumTree> LiabilitiesTrees::load_asset(const storage::KvStore& store,
                                             std::string_view asset_id) {
  auto stored = stored_assets(store);
  if (!stored) return std::unexpected(stored.error());
  if (stored->empty())
    return fail("the store holds no liabilities trees (nothing under P/L/): no epoch committed yet");
  auto it = std::find(stored->begin(), stored->end(), asset_id);
  if (it == stored->end()) {
    std::string known;
    for (const auto& s : *stored) known += (known.empty() ? "" : ", ") + s;
    return fail("unknown asset " + std::string(asset_id) + " (the trees hold: " + known + ")");
  }
  return load_tree(store, size_t(it - stored->begin()), *it);
}

std::optional<size_t> LiabilitiesTrees::asset_index(std::string_view asset_id) const {
  for (size_t i = 0; i < trees_.size(); ++i)
    if (trees_[i].asset() == asset_id) return i;
  return std::nullopt;
}

Result<LiabilityProof> LiabilitiesTrees::prove(const AccountId& account,
                                               std::string_view asset_id) const {
  auto i = asset_index(asset_id);
  if (!i) return fail("unknown asset " + std::string(asset_id));
  return trees_[*i].prove(account);
}

Result<void> LiabilitiesTrees::stage(const EpochChanges& changes, storage::WriteBatch& batch) {
  if (pending_) return fail("liabilities: epoch " + std::to_string(pending_->epoch) +
                            " was staged but neither committed nor discarded");
  if (epoch_ && changes.epoch <= *epoch_)
    return fail("liabilities: epoch " + std::to_string(changes.epoch) +
                " is not after the last committed epoch " + std::to_string(*epoch_));
  pending_ = Pending{changes.epoch, {}};
  auto abort = [this](std::string msg) {
    roll_back();
    return fail("liabilities: " + msg);
  };

  auto& group = group_;
  auto& updates = updates_;
  Sha256 h;
  const auto& all = changes.balances;
  for (size_t i = 0; i < all.size();) {
    const size_t asset = all[i].asset;
    if (asset >= trees_.size())
      return abort("balances[" + std::to_string(i) + "]: asset index " + std::to_string(asset) +
                   ", the genesis has " + std::to_string(trees_.size()) + " assets");
    if (!pending_->undo.empty() && asset <= pending_->undo.back().first)
      return abort("balances not grouped by asset at balances[" + std::to_string(i) + "]");
    group.clear();
    for (; i < all.size() && all[i].asset == asset; ++i) {
      const Hash32 key = tree_key(h, all[i].account);
      uint64_t hi;
      std::memcpy(&hi, key.bytes.data(), 8);
      group.push_back({__builtin_bswap64(hi), key, all[i].balance, &all[i].account});
    }
    std::sort(group.begin(), group.end(), [](const Change& a, const Change& b) {
      return a.hi != b.hi ? a.hi < b.hi : a.key < b.key;
    });
    updates.resize(group.size());
    for (size_t k = 0; k < group.size(); ++k) updates[k] = {group[k].key, group[k].balance};

    pending_->undo.emplace_back(asset, std::vector<LeafUpdate>{});
    if (auto r = trees_[asset].apply(updates, &pending_->undo.back().second); !r) {
      pending_->undo.pop_back();
      return abort(r.error().message);
    }
    // Fixed-size stack buffers: the batch copies them, so no temporary strings per leaf.
    char key[lk::kLeafKeySize], value[48];
    const std::string prefix = lk::leaf_prefix(asset);
    std::memcpy(key, prefix.data(), prefix.size());
    for (const Change& c : group) {
      std::memcpy(key + prefix.size(), c.key.bytes.data(), 32);
      if (c.balance.is_zero()) {
        batch.del({key, sizeof key});
      } else {
        std::memcpy(value, c.account->bytes.data(), 32);
        c.balance.to_be_bytes(reinterpret_cast<uint8_t*>(value + 32));
        batch.put({key, sizeof key}, {value, sizeof value});
      }
    }
  }
  for (size_t a = 0; a < trees_.size(); ++a) {
    const SumTree& t = trees_[a];
    batch.put(lk::asset_key(a), t.asset());
    std::string rec(reinterpret_cast<const char*>(t.root().bytes.data()), 32);
    rec += amount_bytes(t.total());
    rec += lk::be64(t.size());
    batch.put(lk::root_key(a), rec);
  }
  batch.put(lk::kEpoch, lk::be64(changes.epoch));
  return {};
}

void LiabilitiesTrees::committed(bool ok) {
  if (!pending_) return;
  if (ok)
    epoch_ = pending_->epoch;
  else
    roll_back();
  pending_.reset();
}

void LiabilitiesTrees::roll_back() {
  if (!pending_) return;
  for (auto it = pending_->undo.rbegin(); it != pending_->undo.rend(); ++it) {
    // Restores balances that fitted before, so it cannot fail.
    auto r = trees_[it->first].apply(it->second);
    (void)r;
  }
  pending_.reset();
}

}  // namespace relay::proofs
