// Node: one validator's running process (relayd), wired from its loaded configuration. Today it
// opens (or creates) the data folder, the canonical state and the epoch commitments, reports
// where they stand, and runs until a stop signal; the pipeline stages of docs/node.md (ingest,
// cut, apply, sign, gossip, publish) are added here as they are written.
// Owns the data folder and everything over it. Not thread-safe: main owns and runs it.
#pragma once

#include <memory>

#include "canonical_state/canonical_state.h"
#include "proofs/epoch_committer.h"
#include "relay/config_check.h"
#include "relay/data_folder.h"
#include "relay/log.h"
#include "relay/stop_signals.h"
#include "vault/result.h"

namespace relay::node {

class Node {
 public:
  /// Opens the data folder (relay/data_folder.h: made and marked if new; refused if it is not
  /// this network's), then the epoch commitments and the canonical state over it, checking
  /// that they agree. `config` must outlive the node.
  static Result<std::unique_ptr<Node>> open(const LoadedConfig& config, Log log);
  ~Node();

  /// Runs until SIGTERM or SIGINT, then stops cleanly (everything written is synced).
  Result<void> run(StopSignals& stop);

 private:
  Node(const LoadedConfig& config, Log log) : config_(config), log_(std::move(log)) {}

  const LoadedConfig& config_;
  Log log_;
  DataFolder folder_;
  std::unique_ptr<proofs::EpochCommitter> committer_;
  std::unique_ptr<CanonicalState> state_;
};

}  // namespace relay::node
