#include "vault/vault.h"

#include <algorithm>
#include <functional>

#include "vault/sha256.h"

namespace relay {

static_assert(sizeof(Vault::BalanceSlot) == 64, "one balance slot per cache line");

WithdrawalId withdrawal_id(ChainId origin, EventPosition pos) {
  Sha256 h;
  h.update_be64(origin.value).update_be64(pos.block).update_be32(pos.log_index);
  return h.finish();
}

Vault::Vault(const Genesis& genesis)
    : genesis_(genesis),
      registry_(genesis),
      assets_(genesis.assets.size()),
      custody_(genesis.chains.size() * assets_),
      pending_(genesis.chains.size() * assets_),
      totals_(assets_) {}

Amount Vault::balance(const AccountId& account, uint32_t asset) const {
  auto it = balance_index_.find(BalanceKey{account, asset});
  return it == balance_index_.end() ? Amount() : slots_[it->second].second.amount;
}

Vault::BalanceSlot* Vault::find_slot(const BalanceKey& k) {
  auto it = balance_index_.find(k);
  return it == balance_index_.end() ? nullptr : &slots_[it->second];
}

Vault::BalanceSlot& Vault::add_slot(const BalanceKey& k) {
  balance_index_.emplace(k, static_cast<uint32_t>(slots_.size()));
  return slots_.emplace_back(BalanceSlot{k, false, {}});
}

void Vault::remove_slot(uint32_t i) {
  balance_index_.erase(slots_[i].first);
  if (i + 1 != slots_.size()) {
    slots_[i] = slots_.back();
    balance_index_[slots_[i].first] = i;
  }
  slots_.pop_back();
}

std::optional<BalanceKey> Vault::balance_key(const Event& e, uint32_t chain) const {
  if (e.type == EventType::deposit) {
    auto token = registry_.token(chain, e.token);
    if (!token) return std::nullopt;
    return BalanceKey{e.account, static_cast<uint32_t>(token->asset)};
  }
  if (e.type == EventType::withdrawal_request) {
    auto a = registry_.asset(e.asset);
    if (!a) return std::nullopt;
    return BalanceKey{e.account, static_cast<uint32_t>(*a)};
  }
  return std::nullopt;
}

void Vault::prefetch(const BalanceKey& key, Prefetch stage) const {
  if (stage == Prefetch::index) {
    balance_index_.prefetch(key);
    return;
  }
  auto it = balance_index_.find(key);
  if (it != balance_index_.end()) __builtin_prefetch(&slots_[it->second]);
}

const WithdrawalRecord* Vault::withdrawal(const WithdrawalId& id) const {
  auto it = withdrawals_.find(id);
  return it == withdrawals_.end() ? nullptr : &it->second;
}

std::optional<Reason> Vault::apply(const Event& e, uint32_t chain, uint64_t epoch) {
  switch (e.type) {
    case EventType::deposit: return deposit(e, chain);
    case EventType::withdrawal_request: return request_withdrawal(e, chain, epoch);
    case EventType::withdrawal_claimed: return claim_withdrawal(e, chain, epoch);
  }
  return Reason::invariant_violation;
}

// The global invariant, per asset: custody over all chains == balances + pending.
bool Vault::totals_hold(const Totals& t) {
  auto owed = t.balances.checked_add(t.pending);
  return owed && *owed == t.custody;
}

void Vault::set_balance(BalanceSlot& slot, Amount v) {
  slot.second.amount = v;
  if (!slot.changed) {
    slot.changed = true;
    changed_balances_.push_back(static_cast<uint32_t>(&slot - slots_.data()));
  }
}

// Rule 4. Every new value is computed and checked before any is stored.
std::optional<Reason> Vault::deposit(const Event& e, uint32_t chain) {
  auto token = registry_.token(chain, e.token);
  if (!token) return Reason::unknown_asset;
  if (e.amount == "0") return Reason::zero_amount;
  const uint32_t asset = static_cast<uint32_t>(token->asset);
  auto amount = AssetRegistry::to_canonical(e.amount, token->decimals,
                                            genesis_.assets[asset].decimals);
  if (!amount) return amount.error();

  // A new account gets its slot only once the deposit is accepted, so a rejected deposit
  // changes nothing.
  const BalanceKey key{e.account, asset};
  BalanceSlot* slot = find_slot(key);
  if (!slot && slots_.size() >= kMaxSlots) return Reason::overflow;
  auto balance = (slot ? slot->second.amount : Amount()).checked_add(*amount);
  auto custody = custody_[cell(chain, asset)].checked_add(*amount);
  Totals t = totals_[asset];
  auto total_custody = t.custody.checked_add(*amount);
  if (!balance || !custody || !total_custody) return Reason::overflow;
  auto total_balances = t.balances.checked_add(*amount);
  if (!total_balances) return Reason::invariant_violation;
  t.custody = *total_custody;
  t.balances = *total_balances;
  if (!totals_hold(t)) return Reason::invariant_violation;

  if (!slot) slot = &add_slot(key);
  set_balance(*slot, *balance);
  custody_[cell(chain, asset)] = *custody;
  totals_[asset] = t;
  custody_changed_ = true;
  return std::nullopt;
}

// Rule 5.
std::optional<Reason> Vault::request_withdrawal(const Event& e, uint32_t chain, uint64_t epoch) {
  auto asset_index = registry_.asset(e.asset);
  if (!asset_index) return Reason::unknown_asset;
  if (e.amount == "0") return Reason::zero_amount;
  auto amount = Amount::from_decimal(e.amount);
  if (!amount) return Reason::overflow;
  auto dest_index = genesis_.chain_index(e.dest_chain);
  if (!dest_index) return Reason::unknown_chain;
  const uint32_t asset = static_cast<uint32_t>(*asset_index);
  const uint32_t dest = static_cast<uint32_t>(*dest_index);
  const AssetConfig& ac = genesis_.assets[asset];
  const TokenConfig* token = ac.token_on(dest);
  if (!token) return Reason::asset_not_on_destination;
  if (!AssetRegistry::to_token_units(*amount, ac.decimals, token->decimals))
    return Reason::precision;

  BalanceSlot* slot = find_slot(BalanceKey{e.account, asset});
  Amount old_balance = slot ? slot->second.amount : Amount();
  auto balance = old_balance.checked_sub(*amount);
  if (!balance) return Reason::insufficient_balance;
  auto liquidity = custody_[cell(dest, asset)].checked_sub(pending_[cell(dest, asset)]);
  if (!liquidity || *liquidity < *amount) return Reason::insufficient_liquidity;

  auto pending = pending_[cell(dest, asset)].checked_add(*amount);
  Totals t = totals_[asset];
  auto total_balances = t.balances.checked_sub(*amount);
  auto total_pending = t.pending.checked_add(*amount);
  if (!pending || !total_balances || !total_pending) return Reason::invariant_violation;
  t.balances = *total_balances;
  t.pending = *total_pending;
  if (!totals_hold(t) || *pending > custody_[cell(dest, asset)]) return Reason::invariant_violation;

  WithdrawalId id = withdrawal_id(genesis_.chains[chain].chain_id, e.pos);
  if (withdrawals_.contains(id)) return Reason::invariant_violation;  // applied at most once

  set_balance(*slot, *balance);  // it exists: the balance covered the amount
  pending_[cell(dest, asset)] = *pending;
  totals_[asset] = t;
  custody_changed_ = true;
  withdrawals_.emplace(id, WithdrawalRecord{e.account, asset, *amount, chain, e.pos, dest,
                                            e.recipient, epoch, false});
  changed_withdrawals_.push_back(id);
  return std::nullopt;
}

// Rule 6.
std::optional<Reason> Vault::claim_withdrawal(const Event& e, uint32_t chain, uint64_t epoch) {
  auto it = withdrawals_.find(e.withdrawal_id);
  if (it == withdrawals_.end()) return Reason::unknown_withdrawal;
  WithdrawalRecord& w = it->second;
  if (w.dest_chain != chain) return Reason::wrong_chain;
  if (w.claimed) return Reason::already_claimed;
  if (w.epoch == epoch) return Reason::not_yet_certified;

  const size_t c = cell(w.dest_chain, w.asset);
  auto pending = pending_[c].checked_sub(w.amount);
  auto custody = custody_[c].checked_sub(w.amount);
  Totals t = totals_[w.asset];
  auto total_pending = t.pending.checked_sub(w.amount);
  auto total_custody = t.custody.checked_sub(w.amount);
  if (!pending || !custody || !total_pending || !total_custody) return Reason::invariant_violation;
  t.pending = *total_pending;
  t.custody = *total_custody;
  if (!totals_hold(t) || *pending > *custody) return Reason::invariant_violation;

  pending_[c] = *pending;
  custody_[c] = *custody;
  totals_[w.asset] = t;
  custody_changed_ = true;
  w.claimed = true;
  changed_withdrawals_.push_back(e.withdrawal_id);
  return std::nullopt;
}

void Vault::clear_changes() {
  // Zero entries are not kept. Each is removed by moving the last slot into its place; from
  // the highest slot down, so the last slot is never one still to be removed.
  std::vector<uint32_t> emptied;
  for (uint32_t i : changed_balances_) {
    slots_[i].changed = false;
    if (slots_[i].second.amount.is_zero()) emptied.push_back(i);
  }
  changed_balances_.clear();
  std::sort(emptied.begin(), emptied.end(), std::greater<>());
  for (uint32_t i : emptied) remove_slot(i);
  changed_withdrawals_.clear();
  custody_changed_ = false;
}

std::vector<std::pair<BalanceKey, Amount>> Vault::sorted_balances() const {
  std::vector<std::pair<BalanceKey, Amount>> out;
  out.reserve(slots_.size());
  for (const BalanceSlot& s : slots_)
    if (!s.second.amount.is_zero()) out.emplace_back(s.first, s.second.amount);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::vector<std::pair<WithdrawalId, WithdrawalRecord>> Vault::sorted_withdrawals() const {
  std::vector<std::pair<WithdrawalId, WithdrawalRecord>> out(withdrawals_.begin(),
                                                             withdrawals_.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

Amount Vault::liabilities(uint32_t asset) const {
  // Cannot overflow while the invariants hold (it equals the total custody).
  auto v = totals_[asset].balances.checked_add(totals_[asset].pending);
  return v ? *v : Amount::max();
}

void Vault::load_balance(const BalanceKey& k, Amount v) {
  BalanceSlot* slot = find_slot(k);
  if (!v.is_zero()) {
    (slot ? *slot : add_slot(k)).second.amount = v;
    return;
  }
  if (slot) remove_slot(static_cast<uint32_t>(slot - slots_.data()));
}

void Vault::load_custody(uint32_t chain, uint32_t asset, Amount custody, Amount pending) {
  custody_[cell(chain, asset)] = custody;
  pending_[cell(chain, asset)] = pending;
}

void Vault::load_withdrawal(const WithdrawalId& id, const WithdrawalRecord& r) {
  withdrawals_[id] = r;
}

std::optional<std::string> Vault::finish_load() {
  if (auto err = recompute_totals()) return err;
  return check_invariants();
}

std::expected<std::vector<Vault::Totals>, std::string> Vault::sum_entries() const {
  std::vector<Totals> t(assets_);
  for (const BalanceSlot& slot : slots_) {
    const BalanceKey& k = slot.first;
    if (k.asset >= assets_) return std::unexpected("balance of an asset not in the genesis");
    auto s = t[k.asset].balances.checked_add(slot.second.amount);
    if (!s)
      return std::unexpected("asset " + genesis_.assets[k.asset].id.value +
                             ": balances overflow 2^128");
    t[k.asset].balances = *s;
  }
  for (uint32_t c = 0; c < genesis_.chains.size(); ++c) {
    for (uint32_t a = 0; a < assets_; ++a) {
      auto cu = t[a].custody.checked_add(custody_[cell(c, a)]);
      auto pe = t[a].pending.checked_add(pending_[cell(c, a)]);
      if (!cu || !pe)
        return std::unexpected("asset " + genesis_.assets[a].id.value +
                               ": custody or pending overflow 2^128");
      t[a].custody = *cu;
      t[a].pending = *pe;
    }
  }
  return t;
}

std::optional<std::string> Vault::recompute_totals() {
  auto t = sum_entries();
  if (!t) return t.error();
  totals_ = std::move(*t);
  return std::nullopt;
}

std::optional<std::string> Vault::check_invariants() const {
  // Recomputed from the entries, not from the running totals, so a drift between them shows.
  auto sums = sum_entries();
  if (!sums) return sums.error();
  const std::vector<Totals>& t = *sums;
  std::vector<Amount> unclaimed(custody_.size());
  for (const auto& [id, w] : withdrawals_) {
    if (w.claimed) continue;
    if (w.asset >= assets_ || w.dest_chain >= genesis_.chains.size())
      return "withdrawal " + id.hex() + " names an asset or chain not in the genesis";
    auto s = unclaimed[cell(w.dest_chain, w.asset)].checked_add(w.amount);
    if (!s) return "withdrawal " + id.hex() + ": unclaimed sum overflows 2^128";
    unclaimed[cell(w.dest_chain, w.asset)] = *s;
  }
  for (uint32_t c = 0; c < genesis_.chains.size(); ++c) {
    for (uint32_t a = 0; a < assets_; ++a) {
      const std::string where =
          "chain " + genesis_.chains[c].name + ", asset " + genesis_.assets[a].id.value;
      Amount cu = custody_[cell(c, a)], pe = pending_[cell(c, a)];
      if (pe > cu)
        return where + ": pending " + pe.to_decimal() + " exceeds custody " + cu.to_decimal();
      if (pe != unclaimed[cell(c, a)])
        return where + ": pending " + pe.to_decimal() + " != unclaimed withdrawals " +
               unclaimed[cell(c, a)].to_decimal();
    }
  }
  for (uint32_t a = 0; a < assets_; ++a) {
    const auto& x = t[a];
    if (!totals_hold(x))
      return "asset " + genesis_.assets[a].id.value + ": custody " + x.custody.to_decimal() +
             " != balances " + x.balances.to_decimal() + " + pending " + x.pending.to_decimal();
    if (x.custody != totals_[a].custody || x.balances != totals_[a].balances ||
        x.pending != totals_[a].pending)
      return "asset " + genesis_.assets[a].id.value + ": running totals drifted from the entries";
  }
  return std::nullopt;
}

}  // namespace relay
