// EpochCommitment: what validators sign at the end of an epoch (DESIGN.md "One epoch, end to
// end"; docs/node.md "Commitment"; docs/proofs.md "Epoch commitment" is the byte-exact spec).
// Its canonical bytes are exactly Solidity's
//   abi.encode(bytes32 networkId, uint64 epoch, bytes32 previousCommitment, uint64 endTime,
//              uint64[] cutHeights, bytes32[] cutHashes, uint64[] cutTimestamps,
//              uint64[] eventCounts, bytes32[] eventAccumulators, bytes32[] liabilitiesRoots,
//              uint128[] liabilitiesTotals, uint128[] custody, uint128[] pending,
//              bytes32[] withdrawalRoots)
// (fourteen arguments, not one struct), and its hash is SHA-256 of those bytes. Per-chain arrays
// follow genesis chain order, per-asset arrays genesis asset order; custody and pending are
// chain-major: [chain * assetCount + asset]. Plain value types; thread-safe when not mutated.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vault/amount.h"
#include "vault/genesis.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// One chain's cut in an epoch (docs/node.md "Epochs and the cut"): the last final block the
/// epoch covers on that chain, and the vault's event count and accumulator after that block
/// (docs/contract.md "Event accumulator"). The **empty cut** (no block yet, cut_c(-1)) is all
/// zero; a cut at a real block 0 has that block's nonzero hash.
struct ChainCut {
  uint64_t height = 0;       // block number
  Hash32 hash;               // block hash; zero only in the empty cut
  uint64_t timestamp = 0;    // block timestamp, unix seconds (chain time)
  uint64_t event_count = 0;  // the vault's eventState() count at that block
  Hash32 accumulator;        // the vault's eventState() accumulator at that block

  bool is_empty() const { return *this == ChainCut{}; }
  bool operator==(const ChainCut&) const = default;
};

struct EpochCommitment {
  Hash32 network_id;  // SHA-256 of the genesis file
  uint64_t epoch = 0;
  Hash32 previous;                          // hash of epoch-1's commitment; zero before the first
  uint64_t end_time = 0;                    // T_e (unix seconds); 0 when the cuts are empty
  std::vector<uint64_t> cut_heights;        // per chain: the cut's block number
  std::vector<Hash32> cut_hashes;           // per chain: the cut's block hash
  std::vector<uint64_t> cut_timestamps;     // per chain: the cut's block timestamp
  std::vector<uint64_t> event_counts;       // per chain: the vault's event count at the cut
  std::vector<Hash32> event_accumulators;   // per chain: the vault's accumulator at the cut
  std::vector<Hash32> liabilities_roots;    // per asset: root of the liabilities sum tree
  std::vector<Amount> liabilities_totals;   // per asset: sum of balances (canonical base units)
  std::vector<Amount> custody;              // per chain and asset, chain-major (see above)
  std::vector<Amount> pending;              // per destination chain and asset, chain-major:
                                            // certified withdrawals not yet claimed
  std::vector<Hash32> withdrawal_roots;     // per chain: root of this epoch's withdrawals to it

  size_t chain_count() const { return cut_heights.size(); }
  size_t asset_count() const { return liabilities_roots.size(); }
  /// REQUIRES: a well-formed commitment (check_commitment_shape), chain and asset in range.
  Amount custody_at(size_t chain, size_t asset) const {
    return custody[chain * asset_count() + asset];
  }
  Amount pending_at(size_t chain, size_t asset) const {
    return pending[chain * asset_count() + asset];
  }
  /// The five cut fields of `chain` as one value. REQUIRES: well-formed, chain in range.
  ChainCut cut(size_t chain) const {
    return {cut_heights[chain], cut_hashes[chain], cut_timestamps[chain], event_counts[chain],
            event_accumulators[chain]};
  }
  /// Replaces the five per-chain cut arrays with `cuts` (one per chain, genesis order).
  void set_cuts(std::span<const ChainCut> cuts);

  bool operator==(const EpochCommitment&) const = default;
};

/// The array lengths agree with each other: C = cut_heights' length for every per-chain array
/// (the five cut arrays and withdrawal_roots), A = liabilities_roots' for liabilities_totals,
/// C·A for custody and pending. The error names the field ("commitment.pending: 3 entries,
/// expected 2 chains x 2 assets").
Result<void> check_commitment_shape(const EpochCommitment& c);

/// check_commitment_shape, plus: C genesis chains and A genesis assets. (Whether the network id
/// matches is the caller's separate question.)
Result<void> check_commitment_against(const EpochCommitment& c, const Genesis& genesis);

/// The canonical encoding (abi.encode of the fourteen arguments above):
/// 32 * (24 + 6C + 2A + 2CA) bytes. REQUIRES: well-formed.
std::vector<uint8_t> encode_commitment(const EpochCommitment& c);

/// SHA-256 of encode_commitment(c): the commitment hash that validators sign.
Hash32 commitment_hash(const EpochCommitment& c);

}  // namespace relay
