#include "relay/api_json.h"

#include "proofs/commitment_store.h"
#include "proofs/withdrawal_tree_json.h"
#include "vault/asset_registry.h"

namespace relay::node {
namespace {

using nlohmann::json;

json optional(std::optional<uint64_t> v) { return v ? json(*v) : json(nullptr); }

std::string surplus(Amount custody, Amount liabilities) {
  return custody >= liabilities ? custody.checked_sub(liabilities)->to_decimal()
                                : "-" + liabilities.checked_sub(custody)->to_decimal();
}

bool matches(const WithdrawalRecord& r, const WithdrawalQuery& q) {
  return (!q.account || r.account == *q.account) && (!q.chain || r.dest_chain == *q.chain) &&
         (!q.epoch || r.epoch == *q.epoch);
}

}  // namespace

json account_json(const CanonicalState& state, const AccountId& account, std::optional<uint64_t> epoch) {
  const Genesis& g = state.genesis();
  json balances = json::object();
  for (uint32_t a = 0; a < g.assets.size(); ++a)
    balances[g.assets[a].id.value] = state.vault().balance(account, a).to_decimal();
  return {{"account", account.hex()}, {"epoch", optional(epoch)}, {"balances", balances}};
}

Result<json> withdrawals_json(const CanonicalState& state, const storage::KvStore& store,
                              const WithdrawalQuery& q, std::optional<uint64_t> certified_epoch,
                              const CommittedOn& committed_on) {
  const Genesis& g = state.genesis();
  json out = json::array();
  for (const auto& [id, r] : state.vault().sorted_withdrawals()) {
    if (!matches(r, q)) continue;
    const AssetConfig& asset = g.assets[r.asset];
    json w = {{"id", id.hex()},
              {"epoch", r.epoch},
              {"account", r.account.hex()},
              {"asset", asset.id.value},
              {"amount", r.amount.to_decimal()},
              {"dest_chain", g.chains[r.dest_chain].name},
              {"recipient", r.recipient.hex()},
              {"token", nullptr},
              {"token_amount", nullptr}};
    if (const TokenConfig* t = asset.token_on(r.dest_chain)) {
      w["token"] = t->address.hex();
      if (auto units = AssetRegistry::to_token_units(r.amount, asset.decimals, t->decimals))
        w["token_amount"] = uint256_to_decimal(*units);
    }
    const bool certified = certified_epoch && r.epoch <= *certified_epoch;
    w["state"] = r.claimed ? "claimed" : certified ? "certified" : "requested";
    json on = json::array();
    for (uint32_t c : committed_on(r.epoch)) on.push_back(g.chains[c].name);
    w["committed_on"] = on;
    w["proof"] = nullptr;
    if (certified) {
      auto p = proofs::prove_stored_withdrawal(store, r.epoch, id);
      if (!p) return fail("withdrawal " + id.hex() + ": " + p.error().message);
      w["proof"] = withdrawal_proof_to_json(p->document);
    }
    out.push_back(std::move(w));
  }
  return json{{"withdrawals", out}};
}

// One asset's entry of a solvency block.
static json solvency_asset(const std::string& id, json custody, json pending, Amount custody_total,
                    Amount balances, Amount pending_total, bool ok) {
  const Amount liabilities = balances.checked_add(pending_total).value_or(Amount::max());
  return {{"id", id},
          {"custody", std::move(custody)},
          {"pending", std::move(pending)},
          {"balances", balances.to_decimal()},
          {"pending_total", pending_total.to_decimal()},
          {"liabilities", liabilities.to_decimal()},
          {"surplus", surplus(custody_total, liabilities)},
          {"invariants_ok", ok && custody_total == liabilities}};
}

json solvency_block_json(const Genesis& g, const EpochCommitment& commitment) {
  json assets = json::array();
  for (uint32_t a = 0; a < g.assets.size(); ++a) {
    json custody = json::object(), pending = json::object();
    Amount custody_total, pending_total;
    for (uint32_t c = 0; c < g.chains.size(); ++c) {
      custody[g.chains[c].name] = commitment.custody_at(c, a).to_decimal();
      pending[g.chains[c].name] = commitment.pending_at(c, a).to_decimal();
      custody_total = custody_total.checked_add(commitment.custody_at(c, a)).value_or(Amount::max());
      pending_total = pending_total.checked_add(commitment.pending_at(c, a)).value_or(Amount::max());
    }
    assets.push_back(solvency_asset(g.assets[a].id.value, custody, pending, custody_total,
                                    commitment.liabilities_totals[a], pending_total, true));
  }
  return {{"epoch", commitment.epoch}, {"assets", assets}};
}

json solvency_block_json(const CanonicalState& state, std::optional<uint64_t> epoch) {
  const Genesis& g = state.genesis();
  const Vault& v = state.vault();
  const bool ok = !v.check_invariants();
  json assets = json::array();
  for (uint32_t a = 0; a < g.assets.size(); ++a) {
    json custody = json::object(), pending = json::object();
    Amount custody_total, pending_total;
    for (uint32_t c = 0; c < g.chains.size(); ++c) {
      custody[g.chains[c].name] = v.custody(c, a).to_decimal();
      pending[g.chains[c].name] = v.pending(c, a).to_decimal();
      // The invariants bound these sums below 2^128 (docs/node.md); max() only on a broken state.
      custody_total = custody_total.checked_add(v.custody(c, a)).value_or(Amount::max());
      pending_total = pending_total.checked_add(v.pending(c, a)).value_or(Amount::max());
    }
    const Amount balances = v.liabilities(a).checked_sub(pending_total).value_or(Amount());
    assets.push_back(solvency_asset(g.assets[a].id.value, custody, pending, custody_total, balances,
                                    pending_total, ok));
  }
  return {{"epoch", optional(epoch)}, {"assets", assets}};
}

}  // namespace relay::node
