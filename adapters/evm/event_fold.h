// The vault's event accumulator as the watcher folds it (docs/node.md "The vault contract"):
// each relay event does count += 1, accumulator = keccak256(accumulator ‖ record), with the
// record the vault hashes. Folded from the resume point's state over the events read, it must
// equal the vault's own eventState() at every checkpoint. Pure function, thread-safe.
#pragma once

#include "adapters/evm/rpc_client.h"
#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::evm {

/// Folds `event` into `state`. Errors (state unchanged): an amount that is not a decimal of its
/// ABI type's width, a destination chain that is neither a genesis chain nor "chain_id:N".
Result<void> fold_event(EventState& state, const Event& event, const Genesis& genesis);

}  // namespace relay::evm
