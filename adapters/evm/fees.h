// EIP-1559 fee choice for the publisher (docs/adapters.md "Publisher", "Fees"): what to offer
// per gas given the chain's recent fee history, and how much more a replacement must offer.
// Pure functions over plain values, thread-safe; the RPC calls are the publisher's.
#pragma once

#include <cstdint>
#include <optional>

#include "adapters/evm/rpc_client.h"
#include "vault/amount.h"

namespace relay::evm {

/// The two fee fields of a type-2 transaction, wei per gas.
struct Fees {
  Amount max_priority_fee_per_gas;  // the tip
  Amount max_fee_per_gas;           // the most paid per gas (base fee + tip)
  bool operator==(const Fees&) const = default;
};

/// How fees are chosen. Defaults suit an L1 with base fees of a few gwei; a chain with a
/// minimum tip (Polygon PoS) needs min_priority_fee_per_gas raised.
struct FeePolicy {
  uint64_t history_blocks = 10;     // eth_feeHistory's block count (≥ 1)
  double reward_percentile = 50;    // the tip paid at this percentile of gas, per block
  Amount min_priority_fee_per_gas{100'000'000};         // 0.1 gwei: floor of the tip
  Amount max_priority_fee_per_gas{20'000'000'000};      // 20 gwei: cap of the tip
  Amount max_fee_per_gas{500'000'000'000};              // 500 gwei: never offered above this
};

/// The fees for the next block: tip = the median over the blocks of the reward at the
/// policy's percentile, clamped to [min, max] priority fee; max fee = 2 × the next block's
/// base fee + tip (room for the base fee to rise 12.5% per block for 5 blocks), both capped
/// at max_fee_per_gas. REQUIRES: `h` as RpcClient::fee_history checks it (at least one base
/// fee; one reward per block when a percentile was asked).
Fees fees_from_history(const FeeHistory& h, const FeePolicy& policy);

/// The bump a replacement needs: at least 12.5% above `old` in both fields, and at least 1 wei
/// (geth's and Besu's txpools ask 10% by default, OpenEthereum asked 12.5%), and at least
/// `fresh` (today's fees); the tip may pass the policy's tip cap, as the bump requires. nullopt
/// when the max fee would pass the policy's max_fee_per_gas: the transaction cannot be replaced
/// and waits as it is.
std::optional<Fees> replacement_fees(const Fees& old, const Fees& fresh, const FeePolicy& policy);

/// The most a transaction of `gas_limit` gas at these fees costs, in wei (saturating).
Amount max_cost(const Fees& fees, uint64_t gas_limit);

}  // namespace relay::evm
