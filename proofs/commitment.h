// EpochCommitment: what validators sign at the end of an epoch (DESIGN.md "One epoch, end to
// end"; docs/proofs.md "Epoch commitment"). Its canonical bytes are exactly
// Solidity's
//   abi.encode(bytes32 networkId, uint64 epoch, bytes32 previousCommitment,
//              uint64[] finalizedHeights, bytes32[] liabilitiesRoots,
//              uint128[] liabilitiesTotals, uint128[] custody, bytes32[] withdrawalRoots)
// (eight arguments, not one struct), and its hash is SHA-256 of those bytes. Per-chain arrays
// follow genesis chain order, per-asset arrays genesis asset order, and custody is chain-major:
// custody[chain * assetCount + asset]. Plain value type; thread-safe when not mutated.
#pragma once

#include <cstdint>
#include <vector>

#include "vault/amount.h"
#include "vault/genesis.h"
#include "vault/result.h"
#include "vault/types.h"

namespace relay {

struct EpochCommitment {
  Hash32 network_id;  // SHA-256 of the genesis file
  uint64_t epoch = 0;
  Hash32 previous;                          // hash of epoch-1's commitment; zero before the first
  std::vector<uint64_t> finalized_heights;  // per chain: the height this epoch reaches
  std::vector<Hash32> liabilities_roots;    // per asset: root of the liabilities sum tree
  std::vector<Amount> liabilities_totals;   // per asset: its total (canonical base units)
  std::vector<Amount> custody;              // per chain and asset, chain-major (see above)
  std::vector<Hash32> withdrawal_roots;     // per chain: root of this epoch's withdrawals to it

  size_t chain_count() const { return finalized_heights.size(); }
  size_t asset_count() const { return liabilities_roots.size(); }
  /// REQUIRES: a well-formed commitment (check_commitment_shape), chain and asset in range.
  Amount custody_at(size_t chain, size_t asset) const {
    return custody[chain * asset_count() + asset];
  }

  bool operator==(const EpochCommitment&) const = default;
};

/// The array lengths agree with each other: totals per asset, custody chains*assets, withdrawal
/// roots per chain. The error names the field.
Result<void> check_commitment_shape(const EpochCommitment& c);

/// check_commitment_shape, plus: one height and withdrawal root per genesis chain, one root and
/// total per genesis asset. (Whether the network id matches is the caller's separate question.)
Result<void> check_commitment_against(const EpochCommitment& c, const Genesis& genesis);

/// The canonical encoding (abi.encode of the eight arguments above). REQUIRES: well-formed.
std::vector<uint8_t> encode_commitment(const EpochCommitment& c);

/// SHA-256 of encode_commitment(c): the commitment hash that validators sign.
Hash32 commitment_hash(const EpochCommitment& c);

}  // namespace relay
