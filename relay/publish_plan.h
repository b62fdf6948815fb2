// Which certified epochs go to which chain, and when (docs/node.md "Publishing"): a chain is
// handed an epoch's certificate when the epoch carries withdrawals to it (its withdrawal root is
// not the empty tree's) or when publish_heartbeat_epochs epochs have passed since the last one
// published there (or none was). The epoch's designated publisher is validator e mod n (genesis
// order) and may send at once; the others only after publish_grace_seconds, if the chain still
// lacks it. Pure functions; the node supplies the wall clock. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "proofs/commitment.h"

namespace relay::node {

struct PublishDecision {
  bool withdrawals = false;  // the epoch carries withdrawals to the chain
  bool heartbeat = false;    // heartbeat_epochs have passed since the last publication
  bool publish() const { return withdrawals || heartbeat; }
};

/// For genesis chain `chain`: `last` is the last epoch published there (handed over or seen
/// committed), nullopt before any. REQUIRES: chain < c.withdrawal_roots.size().
PublishDecision publish_decision(const EpochCommitment& c, size_t chain, std::optional<uint64_t> last,
                                 uint64_t heartbeat_epochs);

/// PublishRequest.not_before: 0 for the designated publisher (`self` == epoch mod validators),
/// else now + grace (unix seconds).
uint64_t publish_not_before(uint64_t epoch, size_t validators, size_t self, uint64_t grace_seconds,
                            uint64_t now);

}  // namespace relay::node
