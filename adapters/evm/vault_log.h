// Decoding of the RelayVault's logs (docs/contract.md "Deposits", "Withdrawal requests",
// "Claims") into relay::Event, by the Solidity ABI's event encoding: topic0 = keccak256 of the
// signature, indexed arguments in topics 1..3, the others abi-encoded in data.
//
// A log that does not decode — unknown topic0, wrong topic count, data of the wrong length or a
// non-canonical encoding, a value wider than its ABI type, an asset the vault refuses, a log of
// another contract, a log marked removed — is an error naming the block and log index, never
// an event: the vault cannot emit such a log, so it comes from a wrong contract or a lying
// node. Every log the vault can emit decodes, whatever its arguments (docs/adapters.md
// "Decoding"): the state machine rejects what makes no sense (unknown asset or chain, zero or
// huge deposit amounts) with a receipt, so no user can stop a chain's watcher with a request.
// Immutable after construction, thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "adapters/evm/rpc_client.h"
#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::evm {

/// topic0 of each vault event the relay reads.
struct VaultTopics {
  Hash32 deposited;             // Deposited(address,bytes32,address,uint256)
  Hash32 withdrawal_requested;  // WithdrawalRequested(bytes32,string,uint128,uint64,address)
  Hash32 withdrawal_claimed;    // WithdrawalClaimed(bytes32,address,address,uint256)
};
VaultTopics vault_topics();

class VaultLogDecoder {
 public:
  /// Decodes the logs of genesis.chains[chain]'s vault. REQUIRES: chain < genesis.chains.size();
  /// `genesis` outlives the decoder.
  VaultLogDecoder(const Genesis& genesis, size_t chain);

  /// The event of one log; the error reads "block B log I: REASON".
  Result<Event> decode(const Log& log) const;

  /// The relay events' topic0s.
  std::vector<Hash32> topic0s() const;

  /// Whether `log` claims to be one of the relay's events (its topic0 is one of topic0s()):
  /// the vault emits others too (EpochCommitted, ...), which the watcher ignores; a log that
  /// claims to be a relay event must decode.
  bool is_relay_event(const Log& log) const;

 private:
  const Genesis& genesis_;
  size_t chain_;
  VaultTopics topics_;
};

}  // namespace relay::evm
