#include "adapters/evm/fees.h"

#include <algorithm>

namespace relay::evm {
namespace {

Amount saturating_add(Amount a, Amount b) { return a.checked_add(b).value_or(Amount::max()); }

// v + v/8 rounded up (12.5%), and at least v + 1.
Amount bumped(Amount v) {
  Amount eighth((v.raw() + 7) / 8);
  return saturating_add(v, std::max(eighth, Amount(1)));
}

}  // namespace

Fees fees_from_history(const FeeHistory& h, const FeePolicy& p) {
  std::vector<Amount> rewards;
  for (const auto& row : h.reward)
    if (!row.empty()) rewards.push_back(row.front());
  Amount tip = p.min_priority_fee_per_gas;
  if (!rewards.empty()) {
    std::nth_element(rewards.begin(), rewards.begin() + rewards.size() / 2, rewards.end());
    tip = rewards[rewards.size() / 2];
  }
  tip = std::clamp(tip, p.min_priority_fee_per_gas,
                   std::max(p.min_priority_fee_per_gas, p.max_priority_fee_per_gas));
  Amount next_base = h.base_fee_per_gas.back();
  Amount max_fee = saturating_add(saturating_add(next_base, next_base), tip);
  max_fee = std::min(max_fee, p.max_fee_per_gas);
  return {std::min(tip, max_fee), max_fee};
}

std::optional<Fees> replacement_fees(const Fees& old, const Fees& fresh, const FeePolicy& p) {
  Fees out{std::max(bumped(old.max_priority_fee_per_gas), fresh.max_priority_fee_per_gas),
           std::max(bumped(old.max_fee_per_gas), fresh.max_fee_per_gas)};
  if (out.max_fee_per_gas > p.max_fee_per_gas) return std::nullopt;
  out.max_priority_fee_per_gas = std::min(out.max_priority_fee_per_gas, out.max_fee_per_gas);
  return out;
}

Amount max_cost(const Fees& fees, uint64_t gas_limit) {
  return fees.max_fee_per_gas.checked_mul(Amount(gas_limit)).value_or(Amount::max());
}

}  // namespace relay::evm
