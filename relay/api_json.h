// The query API's documents (docs/api.md) built from the canonical state and the node's store:
// an account's balances, withdrawals with their state and proof, and solvency per asset. The
// node calls these under its lock (the state is not thread-safe). Amounts are decimal strings
// in canonical units unless named token units; hex is lowercase 0x. Stateless functions.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "canonical_state/canonical_state.h"
#include "proofs/commitment.h"
#include "relay/api.h"
#include "storage/kv_store.h"

namespace relay::node {

/// {"account", "epoch" (the last applied epoch, null before one), "balances": {asset: amount}}
/// with every genesis asset listed (zero included).
nlohmann::json account_json(const CanonicalState& state, const AccountId& account,
                            std::optional<uint64_t> epoch);

/// The genesis chains (indices) whose vault holds epoch `epoch` committed (N/p/ records).
using CommittedOn = std::function<std::vector<uint32_t>(uint64_t epoch)>;

/// {"withdrawals": [...]} matching `q`, in id order: id, epoch, account, asset, amount,
/// dest_chain, recipient, token and token_amount (the destination's token, token units),
/// state ("requested" until its epoch is certified, then "certified"; "claimed"),
/// committed_on (chain names) and, once certified, "proof" (docs/proofs.md "Withdrawal proof
/// JSON", from the stored commitment). Errors: the store cannot be read, a stored proof is bad.
Result<nlohmann::json> withdrawals_json(const CanonicalState& state, const storage::KvStore& store,
                                        const WithdrawalQuery& q,
                                        std::optional<uint64_t> certified_epoch,
                                        const CommittedOn& committed_on);

/// One solvency block of docs/api.md: {"epoch", "assets": [{"id", "custody": {chain: amount},
/// "pending": {chain: amount}, "balances", "pending_total", "liabilities" (balances + pending),
/// "surplus" (custody total - liabilities; "-N" when short), "invariants_ok"}]}.
nlohmann::json solvency_block_json(const CanonicalState& state, std::optional<uint64_t> epoch);

/// The same block read from a certified commitment alone (docs/node.md "Commitment": custody,
/// pending and liabilitiesTotals, the balances): what a risk team can check from the certificate.
/// "invariants_ok" is the invariant a verifier checks from it: Σ custody = balances + Σ pending.
/// REQUIRES: a well-formed commitment of `genesis`.
nlohmann::json solvency_block_json(const Genesis& genesis, const EpochCommitment& c);

}  // namespace relay::node
