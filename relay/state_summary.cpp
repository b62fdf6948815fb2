#include "relay/state_summary.h"

#include "proofs/commitment_json.h"

namespace relay::node {

using nlohmann::json;

json stats_json(const BatchStats& stats) {
  json j;
  j["applied"] = stats.applied;
  j["duplicates"] = stats.duplicates;
  json rejected = json::object();
  for (size_t i = 1; i < stats.rejected.size(); ++i)
    if (stats.rejected[i]) rejected[std::string(to_string(Reason(i)))] = stats.rejected[i];
  j["rejected"] = rejected;
  return j;
}

json state_json(const CanonicalState& state) {
  const Genesis& g = state.genesis();
  const Vault& v = state.vault();
  json j;
  json balances = json::object();
  for (const auto& [k, amount] : v.sorted_balances())
    balances[k.account.hex()][g.assets[k.asset].id.value] = amount.to_decimal();
  j["balances"] = balances;
  json custody = json::object(), pending = json::object(), liabilities = json::object();
  for (uint32_t c = 0; c < g.chains.size(); ++c) {
    for (uint32_t a = 0; a < g.assets.size(); ++a) {
      if (!v.custody(c, a).is_zero())
        custody[g.chains[c].name][g.assets[a].id.value] = v.custody(c, a).to_decimal();
      if (!v.pending(c, a).is_zero())
        pending[g.chains[c].name][g.assets[a].id.value] = v.pending(c, a).to_decimal();
    }
  }
  for (uint32_t a = 0; a < g.assets.size(); ++a)
    if (!v.liabilities(a).is_zero())
      liabilities[g.assets[a].id.value] = v.liabilities(a).to_decimal();
  j["custody"] = custody;
  j["pending"] = pending;
  j["liabilities"] = liabilities;
  auto broken = v.check_invariants();
  j["invariants_ok"] = !broken.has_value();
  if (broken) j["invariant_broken"] = *broken;
  j["epochs"] = state.next_epoch();
  j["state_digest"] = state.state_digest().hex();
  return j;
}

json solvency_json(const CanonicalState& state) {
  const Genesis& g = state.genesis();
  const Vault& v = state.vault();
  json assets = json::object();
  for (uint32_t a = 0; a < g.assets.size(); ++a) {
    json j;
    Amount custody;
    for (uint32_t c = 0; c < g.chains.size(); ++c) {
      j["custody"][g.chains[c].name] = v.custody(c, a).to_decimal();
      j["pending"][g.chains[c].name] = v.pending(c, a).to_decimal();
      custody = custody.checked_add(v.custody(c, a)).value_or(Amount::max());
    }
    Amount liabilities = v.liabilities(a);
    j["total_custody"] = custody.to_decimal();
    j["liabilities"] = liabilities.to_decimal();
    j["surplus"] = custody >= liabilities ? custody.checked_sub(liabilities)->to_decimal()
                                          : "-" + liabilities.checked_sub(custody)->to_decimal();
    assets[g.assets[a].id.value] = j;
  }
  auto broken = v.check_invariants();
  json out{{"epochs", state.next_epoch()},
           {"assets", assets},
           {"invariants_ok", !broken},
           {"state_digest", state.state_digest().hex()}};
  if (broken) out["invariant_broken"] = *broken;
  return out;
}

json receipts_json(const std::vector<Receipt>& receipts) {
  json out = json::array();
  for (const Receipt& r : receipts)
    out.push_back({{"epoch", r.epoch},
                   {"index", r.index},
                   {"reason", std::string(to_string(r.reason))},
                   {"chain", r.chain},
                   {"block", r.pos.block},
                   {"log_index", r.pos.log_index},
                   {"event", r.event.hex()}});
  return out;
}

json replay_summary_json(const Replay& replay, const ReplayOutcome& outcome) {
  const CanonicalState& cs = replay.state();
  const Genesis& genesis = cs.genesis();
  const proofs::LiabilitiesTrees& trees = replay.committer().trees();
  json out = stats_json(outcome.applied);
  out.update(state_json(cs));
  out["skipped_epochs"] = outcome.skipped;
  json roots = json::object(), totals = json::object();
  for (size_t a = 0; a < genesis.assets.size(); ++a) {
    roots[genesis.assets[a].id.value] = trees.tree(a).root().hex();
    totals[genesis.assets[a].id.value] = trees.tree(a).total().to_decimal();
  }
  out["liabilities_roots"] = roots;
  out["liabilities_tree_totals"] = totals;
  out["commitment"] = nullptr;
  if (const auto& c = replay.committer().last_commitment()) {
    json j = commitment_to_json(*c);
    j["hash"] = replay.committer().last_hash().hex();
    out["commitment"] = j;
  }
  return out;
}

}  // namespace relay::node
