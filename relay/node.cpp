#include "relay/node.h"

#include <signal.h>

namespace relay::node {

Node::~Node() = default;

Result<std::unique_ptr<Node>> Node::open(const LoadedConfig& config, Log log) {
  std::unique_ptr<Node> n(new Node(config, std::move(log)));
  const Genesis& g = config.genesis;
  auto folder = open_data_folder(config.config.node.data, g.network_id);
  if (!folder) return std::unexpected(folder.error());
  n->folder_ = std::move(*folder);
  if (n->folder_.created)
    n->log_.info("data folder created",
                 {{"path", n->folder_.path}, {"network_id", g.network_id.hex()}});
  auto committer = proofs::EpochCommitter::open(g, *n->folder_.store);
  if (!committer) return fail(n->folder_.path + ": " + committer.error().message);
  n->committer_ = std::move(*committer);
  auto state = CanonicalState::open(g, *n->folder_.store, n->committer_.get());
  if (!state) return fail(n->folder_.path + ": " + state.error().message);
  n->state_ = std::move(*state);
  if (auto ok = n->committer_->check_state_epochs(n->state_->next_epoch()); !ok)
    return fail(n->folder_.path + ": " + ok.error().message);
  return n;
}

Result<void> Node::run(StopSignals& stop) {
  const Genesis& g = config_.genesis;
  log_.info("started", {{"network", g.network},
                        {"network_id", g.network_id.hex()},
                        {"validator", g.validators[config_.validator_index].name},
                        {"address", config_.validator_key.address.hex()},
                        {"data", folder_.path},
                        {"epochs", state_->next_epoch()},
                        {"chains", g.chains.size()}});
  const int sig = stop.wait(std::chrono::milliseconds(-1));
  log_.info("stopping", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
  if (auto r = state_->flush(); !r) return std::unexpected(r.error());
  log_.info("stopped", {{"epochs", state_->next_epoch()}});
  return {};
}

}  // namespace relay::node
