#include "relay/cli/state_json.h"

namespace relay::cli {

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
    if (!v.liabilities(a).is_zero()) liabilities[g.assets[a].id.value] = v.liabilities(a).to_decimal();
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

}  // namespace relay::cli
