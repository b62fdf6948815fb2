// What a commitment's content must satisfy beyond its shape, checked by anyone who holds the
// genesis (docs/proofs.md "Epoch commitment", "What a verifier can check"): the cut fields are
// cuts (the empty cut all zero, end_time T_e or 0 with every cut empty, no cut after T_e), and
// the amounts balance (per asset, custody over all chains = liabilities total + pending over all
// chains; per chain and asset, pending <= custody). EpochCommitter runs them before a commitment
// is stored, so a node never signs one that fails them; verify_certificate runs them on every
// certificate. check_cuts_follow is the committer's extra check between consecutive epochs.
// Stateless functions, thread-safe.
#pragma once

#include "proofs/commitment.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay {

/// The cut and amount rules above: check_commitment_cuts, then check_commitment_amounts.
/// REQUIRES: check_commitment_against(c, genesis) holds. The error names the field, the chain or
/// asset, and the values ("commitment: asset USDC: custody 2500 != liabilities total 2400 +
/// pending 99").
Result<void> check_commitment_content(const EpochCommitment& c, const Genesis& genesis);

/// The cut rules alone (epoch, end_time and the five per-chain cut arrays are all it reads):
/// end_time is T_epoch of the genesis schedule, or 0 with every cut empty; each cut is the empty
/// cut or has a nonzero hash; event count 0 exactly when the accumulator is zero; no cut
/// timestamp after end_time. REQUIRES: the cut arrays have one entry per genesis chain.
Result<void> check_commitment_cuts(const EpochCommitment& c, const Genesis& genesis);

/// The amount rules alone: per asset, custody over the chains = liabilities total + pending over
/// the chains (no sum reaching 2^128); per chain and asset, pending <= custody.
/// REQUIRES: check_commitment_against(c, genesis) holds.
Result<void> check_commitment_amounts(const EpochCommitment& c, const Genesis& genesis);

/// Whether `next` (epoch e) can follow `previous` (epoch e-1) of the same network: once a
/// commitment carries cuts (end_time != 0), every later one does, with a later end_time, and each
/// chain's cut extends the previous one (the same cut, or a higher block whose timestamp and
/// event count are not lower; anything after the empty cut). REQUIRES: both well-formed for the
/// same genesis.
Result<void> check_cuts_follow(const EpochCommitment& previous, const EpochCommitment& next,
                               const Genesis& genesis);

}  // namespace relay
