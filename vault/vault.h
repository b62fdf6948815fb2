// Vault: the unified collateral ledger (DESIGN.md): balances per (account, asset), custody per
// (chain, asset), pending withdrawals per (destination chain, asset), the withdrawal records,
// and the invariants, checked on every transition. It applies the content rules of one event
// (rules 4-6 of `relayctl replay`); deduplication and ordering (rules 1-3) belong to
// canonical_state. Deterministic: no I/O, clock, threads or randomness. It remembers which
// entries changed since clear_changes(), so the owner can persist just those.
// Balances are the hot path (one lookup per deposit or withdrawal, over every account): they
// live in a dense vector of cache-line slots, found through an open-addressing index
// (absl::flat_hash_map of key to slot number), and prefetch() lets the caller start that
// lookup's memory loads a few events early.
// Not thread-safe; owned by one CanonicalState.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
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
  // absl::Hash mixes every byte; its tables read both the low bits (H2, in the control bytes)
  // and the high bits (the probe start), so a hash with entropy in only one half would not do.
  template <class H>
  friend H AbslHashValue(H h, const BalanceKey& k) {
    return H::combine(
        H::combine_contiguous(std::move(h), k.account.bytes.data(), k.account.bytes.size()),
        k.asset);
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

  /// The balance apply(e, chain, ...) will look up: (account, asset) of a deposit whose token
  /// is registered on `chain`, or of a withdrawal request for a known asset; nullopt for
  /// anything else.
  std::optional<BalanceKey> balance_key(const Event& e, uint32_t chain) const;

  /// A hint, for a caller that knows which events come next: starts loading into the CPU cache
  /// the memory a lookup of `key` reads. Changes no state and cannot fail. Two stages, because
  /// the balance is found through the index: `index` fetches the index entry; `balance`, called
  /// for the same key a few events later (when that entry is in cache), looks it up and
  /// fetches the balance slot. E.g. stage index 16 events ahead of apply(), balance 8 ahead.
  enum class Prefetch { index, balance };
  void prefetch(const BalanceKey& key, Prefetch stage) const;

  Amount balance(const AccountId& account, uint32_t asset) const;
  Amount custody(uint32_t chain, uint32_t asset) const { return custody_[cell(chain, asset)]; }
  Amount pending(uint32_t chain, uint32_t asset) const { return pending_[cell(chain, asset)]; }
  /// The record of a withdrawal, nullptr when unknown. Valid until the next apply() or load.
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

  /// A balance's amount.
  struct BalanceEntry {
    Amount amount;
  };
  /// One balance: its key and entry (named `first` and `second`, like a map entry), and whether
  /// it is listed in changed_balances(). One cache line, so a lookup touches one line of the
  /// slot vector.
  struct alignas(64) BalanceSlot {
    BalanceKey first;
    bool changed = false;  // in the padding before the 16-byte aligned amount
    BalanceEntry second;
  };

  // Changes since the last clear_changes(), for persistence. The balances changed, in the order
  // they first changed, as indices into balance_slots() (each slot holds its current amount,
  // zero when it was emptied), so the owner reads them without looking each key up again.
  // Valid until the next clear_changes() or load_balance().
  std::span<const uint32_t> changed_balances() const { return changed_balances_; }
  const std::vector<WithdrawalId>& changed_withdrawals() const { return changed_withdrawals_; }
  bool custody_changed() const { return custody_changed_; }
  void clear_changes();

  /// Every balance entry, in no particular order; entries changed to zero since the last
  /// clear_changes() are still there, holding zero. Valid until the next apply(),
  /// load_balance() or clear_changes().
  std::span<const BalanceSlot> balance_slots() const { return slots_; }

  // Loading a persisted state: set every entry, then finish_load() (which recomputes totals
  // and checks the invariants, returning the first broken one). A later load of the same
  // balance replaces it, and loading zero removes it (a stored change that emptied it).
  // REQUIRES: no changes pending (changed_balances() empty).
  void load_balance(const BalanceKey& k, Amount v);
  void load_custody(uint32_t chain, uint32_t asset, Amount custody, Amount pending);
  void load_withdrawal(const WithdrawalId& id, const WithdrawalRecord& r);
  std::optional<std::string> finish_load();

  const AssetRegistry& registry() const { return registry_; }

 private:
  struct Totals {  // per asset, kept in step with every transition
    Amount custody, balances, pending;
  };

  size_t cell(uint32_t chain, uint32_t asset) const { return size_t(chain) * assets_ + asset; }
  std::optional<Reason> deposit(const Event& e, uint32_t chain);
  std::optional<Reason> request_withdrawal(const Event& e, uint32_t chain, uint64_t epoch);
  std::optional<Reason> claim_withdrawal(const Event& e, uint32_t chain, uint64_t epoch);
  static bool totals_hold(const Totals& t);
  void set_balance(BalanceSlot& slot, Amount v);
  /// The slot of `k`, nullptr when it has none.
  BalanceSlot* find_slot(const BalanceKey& k);
  /// Adds a zero slot for `k`, which has none. REQUIRES: slots_.size() < kMaxSlots.
  BalanceSlot& add_slot(const BalanceKey& k);
  /// Removes slot i (the last slot moves into its place). REQUIRES: i is not in
  /// changed_balances_ unless those are being cleared.
  void remove_slot(uint32_t i);
  /// Totals summed from the entries (balances, custody, pending), or the first overflow.
  std::expected<std::vector<Totals>, std::string> sum_entries() const;
  std::optional<std::string> recompute_totals();

  const Genesis& genesis_;
  AssetRegistry registry_;
  size_t assets_;
  // Every balance entry, in slots_ (dense, in the order first inserted), and the index from
  // key to slot number. Entries may hold zero until clear_changes() drops them. Slot numbers
  // are 32-bit to keep the index's slots at 40 bytes.
  static constexpr size_t kMaxSlots = UINT32_MAX;
  absl::flat_hash_map<BalanceKey, uint32_t> balance_index_;
  std::vector<BalanceSlot> slots_;
  std::vector<Amount> custody_, pending_;  // [chain * assets + asset]
  std::vector<Totals> totals_;             // [asset]
  // Open addressing: over many withdrawals, a node per record made every lookup and every
  // rehash a chain of cache misses. Records move on rehash: withdrawal() pointers are
  // short-lived.
  absl::flat_hash_map<WithdrawalId, WithdrawalRecord, std::hash<WithdrawalId>> withdrawals_;

  std::vector<uint32_t> changed_balances_;  // indices into slots_
  std::vector<WithdrawalId> changed_withdrawals_;
  bool custody_changed_ = false;
};

}  // namespace relay
