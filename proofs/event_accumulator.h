// The vault contract's event accumulator, recomputed by the node from the events it received
// (docs/node.md "The vault contract", eventState): a count of relay events and a running
// Keccak-256 over their records. At a chain's cut the node's fold must equal what the vault
// reports, so a node that hides or invents a log is caught. Keccak, not SHA-256, because the
// vault computes it on every event and Keccak is the EVM's cheap hash (DESIGN.md "Hashing").
// Value type and a pure function; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// The vault's event count and running hash (docs/node.md, docs/contract.md "Event
/// accumulator"). Both zero before the first event.
struct EventAccumulator {
  uint64_t count = 0;
  Hash32 value{};
  bool operator==(const EventAccumulator&) const = default;
};

/// The record an event contributes (abi.encodePacked, big-endian, docs/node.md):
///   deposit             uint8(1) ‖ address token ‖ bytes32 account ‖ uint256 amount      85 bytes
///   withdrawal request  uint8(2) ‖ bytes32 account ‖ uint128 amount ‖ uint64 destChainId ‖
///                       address recipient ‖ uint8(len(asset)) ‖ asset               78 + len bytes
///   withdrawal claimed  uint8(3) ‖ bytes32 id                                           33 bytes
/// destChainId is the genesis chain_id of `e.dest_chain` when it names a genesis chain, else the
/// n of "chain_id:<n>". Errors as accumulate().
Result<std::vector<uint8_t>> accumulator_record(const Event& e, const Genesis& genesis);

/// Folds one relay event: count += 1, value = keccak256(value ‖ record). Errors (nothing
/// changed): an amount that is not a decimal below 2^256 (deposit) / 2^128 (withdrawal
/// request), an asset id not 1..32 bytes, a destination chain that is neither a genesis chain
/// name nor "chain_id:<n>" (n a decimal below 2^64 without leading zeros), a count at 2^64 - 1.
Result<void> accumulate(EventAccumulator& acc, const Event& e, const Genesis& genesis);

}  // namespace relay
