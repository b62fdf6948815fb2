// Vault: the unified collateral ledger (DESIGN.md): balances per (account, asset), custody per
// (chain, asset), pending withdrawals per (destination chain, asset), the withdrawal records,
// and the invariants, checked on every transition. It applies the content rules of one event
// (rules 4-6 of `relayctl replay`); deduplication and ordering (rules 1-3) belong to
// canonical_state. Deterministic: no I/O, clock, threads or randomness. It remembers which
// entries changed since clear_changes(), so the owner can persist just those.
// Not thread-safe; owned by one CanonicalState.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "vault/amount.h"
#include "vault/asset_registry.h"
#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/reason.h"
#include "vault/types.h"

namespace relay {

struct BalanceKey {
  AccountId account;
  uint32_t asset = 0;
  bool operator==(const BalanceKey&) const = default;
  auto operator<=>(const BalanceKey& o) const {
    if (asset != o.asset) return asset <=> o.asset;
    return account <=> o.account;
  }
};

struct WithdrawalRecord {
  AccountId account;
  uint32_t asset = 0;
  Amount amount;  // canonical units
  uint32_t origin_chain = 0;
  EventPosition origin;
  uint32_t dest_chain = 0;
  Address recipient;
  uint64_t epoch = 0;  // the epoch it was requested in
  bool claimed = false;
};

/// SHA-256(be64(origin chain_id) || be64(block) || be32(log_index)).
WithdrawalId withdrawal_id(ChainId origin, EventPosition pos);

class Vault {
 public:
  explicit Vault(const Genesis& genesis);

  /// Applies the content rules to an event from chain `chain` (a genesis index) in `epoch`.
  /// Returns nullopt when applied, or the reason it was rejected; a rejection changes nothing.
  std::optional<Reason> apply(const Event& e, uint32_t chain, uint64_t epoch);

  Amount balance(const AccountId& account, uint32_t asset) const;
  Amount custody(uint32_t chain, uint32_t asset) const { return custody_[cell(chain, asset)]; }
  Amount pending(uint32_t chain, uint32_t asset) const { return pending_[cell(chain, asset)]; }
  const WithdrawalRecord* withdrawal(const WithdrawalId& id) const;

  /// Every nonzero balance, sorted by (asset, account).
  std::vector<std::pair<BalanceKey, Amount>> sorted_balances() const;
  /// Every withdrawal record, sorted by id.
  std::vector<std::pair<WithdrawalId, WithdrawalRecord>> sorted_withdrawals() const;
  /// Per asset: the sum of balances and pending withdrawals (what users are owed).
  Amount liabilities(uint32_t asset) const;

  /// Recomputes every invariant from scratch. nullopt when all hold, otherwise a description
  /// of the first that is broken ("asset USDC: custody 10 != balances 7 + pending 2").
  std::optional<std::string> check_invariants() const;

  /// A balance entry: its amount, and whether it is listed in changed_balances().
  struct BalanceEntry {
    Amount amount;
    bool changed = false;
  };
  /// A changed balance: its key and its current amount (zero when it was emptied). Points
  /// into the vault's map (whose nodes do not move), valid until clear_changes().
  using BalanceSlot = std::pair<const BalanceKey, BalanceEntry>;

  // Changes since the last clear_changes(), for persistence. Balances in the order they first
  // changed; pointers, so the owner reads the amounts without looking each key up again.
  std::span<const BalanceSlot* const> changed_balances() const { return changed_balances_; }
  const std::vector<WithdrawalId>& changed_withdrawals() const { return changed_withdrawals_; }
  bool custody_changed() const { return custody_changed_; }
  void clear_changes();

  // Loading a persisted state: set every entry, then finish_load() (which recomputes totals
  // and checks the invariants, returning the first broken one).
  void load_balance(const BalanceKey& k, Amount v);
  void load_custody(uint32_t chain, uint32_t asset, Amount custody, Amount pending);
  void load_withdrawal(const WithdrawalId& id, const WithdrawalRecord& r);
  std::optional<std::string> finish_load();

  const AssetRegistry& registry() const { return registry_; }

 private:
  struct BalanceKeyHash {
    size_t operator()(const BalanceKey& k) const {
      return std::hash<AccountId>{}(k.account) ^ (size_t(k.asset) * 0x9e3779b97f4a7c15ULL);
    }
  };
  struct Totals {  // per asset, kept in step with every transition
    Amount custody, balances, pending;
  };

  size_t cell(uint32_t chain, uint32_t asset) const { return size_t(chain) * assets_ + asset; }
  std::optional<Reason> deposit(const Event& e, uint32_t chain);
  std::optional<Reason> request_withdrawal(const Event& e, uint32_t chain, uint64_t epoch);
  std::optional<Reason> claim_withdrawal(const Event& e, uint32_t chain, uint64_t epoch);
  static bool totals_hold(const Totals& t);
  void set_balance(BalanceSlot& slot, Amount v);
  /// Totals summed from the entries (balances, custody, pending), or the first overflow.
  std::expected<std::vector<Totals>, std::string> sum_entries() const;
  std::optional<std::string> recompute_totals();

  const Genesis& genesis_;
  AssetRegistry registry_;
  size_t assets_;
  std::unordered_map<BalanceKey, BalanceEntry, BalanceKeyHash> balances_;
  std::vector<Amount> custody_, pending_;  // [chain * assets + asset]
  std::vector<Totals> totals_;             // [asset]
  std::unordered_map<WithdrawalId, WithdrawalRecord> withdrawals_;

  std::vector<BalanceSlot*> changed_balances_;  // into balances_: its nodes are stable
  std::vector<WithdrawalId> changed_withdrawals_;
  bool custody_changed_ = false;
};

}  // namespace relay
