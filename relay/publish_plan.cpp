#include "relay/publish_plan.h"

#include "proofs/withdrawal_tree.h"

namespace relay::node {

PublishDecision publish_decision(const EpochCommitment& c, size_t chain, std::optional<uint64_t> last,
                                 uint64_t heartbeat_epochs) {
  PublishDecision d;
  d.withdrawals = c.withdrawal_roots[chain] != empty_withdrawal_root();
  d.heartbeat = !last || (c.epoch > *last && c.epoch - *last >= heartbeat_epochs);
  return d;
}

uint64_t publish_not_before(uint64_t epoch, size_t validators, size_t self, uint64_t grace_seconds,
                            uint64_t now) {
  if (validators == 0 || epoch % validators == self) return 0;
  return now + grace_seconds;
}

}  // namespace relay::node
