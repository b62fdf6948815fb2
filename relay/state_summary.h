// The JSON summaries of a canonical state that relayctl prints (and relayd's API will serve):
// the state (balances, custody, pending, liabilities, invariants, digest), batch counts,
// solvency per asset, an epoch's receipts, and the summary `relayctl replay` ends with.
// Zero entries are left out, hex is lowercase 0x-prefixed, amounts are decimal strings (they
// exceed 2^53). Stateless functions, thread-safe over a state no one is changing.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "canonical_state/canonical_state.h"
#include "proofs/epoch_committer.h"
#include "relay/replay.h"

namespace relay::node {

/// {"balances": {account: {asset: amount}}, "custody": {chain: {asset: amount}}, "pending",
///  "liabilities": {asset: amount}, "invariants_ok", ["invariant_broken"], "epochs",
///  "state_digest"}
nlohmann::json state_json(const CanonicalState& state);

/// {"applied", "duplicates", "rejected": {reason: count}}
nlohmann::json stats_json(const BatchStats& stats);

/// {"epochs", "assets": {asset: {"custody": {chain: amount}, "pending": {chain: amount},
///  "total_custody", "liabilities", "surplus" (negative as "-N")}}, "invariants_ok",
///  ["invariant_broken"], "state_digest"} (DESIGN.md "Solvency").
nlohmann::json solvency_json(const CanonicalState& state);

/// One object per receipt: {"epoch", "index", "reason", "chain", "block", "log_index", "event"}.
nlohmann::json receipts_json(const std::vector<Receipt>& receipts);

/// What `relayctl replay --json` prints: stats_json of what it applied, state_json,
/// "skipped_epochs", per asset "liabilities_roots" and "liabilities_tree_totals", and the last
/// epoch's "commitment" (docs/proofs.md "Epoch commitment", with its "hash"; null before one).
nlohmann::json replay_summary_json(const Replay& replay, const ReplayOutcome& outcome);

}  // namespace relay::node
