// NodeStatus: what relayd shows of itself (GET /v1/status; DESIGN.md: "the node shows which
// chain the epoch waits for and since when"), and StatusBoard, the one place the node loop
// publishes it and the HTTP thread reads it. Plain values; StatusBoard is thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace relay::node {

struct ChainStatus {
  std::string name;
  uint64_t chain_id = 0;
  std::optional<uint64_t> height;     // the stored tip
  std::optional<uint64_t> timestamp;  // the tip's
  bool adapter_connected = false;     // a session said Hello and was not refused since
  std::string adapter;                // its name and version
  std::vector<std::string> alarms;    // this chain's alarms now up (kind: message)
};

struct NodeStatus {
  std::string network;
  std::string network_id;
  std::string validator;
  uint64_t next_epoch = 0;  // the epoch the node applies next
  // When it waits: for which chains, the epoch's end time, and since when (wall clock).
  std::vector<std::string> waiting_for;
  uint64_t waiting_end_time = 0;
  std::optional<uint64_t> waiting_since;
  std::optional<uint64_t> signed_epoch;
  std::optional<uint64_t> certified_epoch;
  bool halted = false;  // evidence of equivocation: signing stopped
  std::vector<std::string> alarms;
  std::vector<ChainStatus> chains;
};

/// {"network", "network_id", "validator", "next_epoch", "waiting": {"epoch", "end_time",
///  "chains", "since"} or null, "signed_epoch", "certified_epoch" (null when none), "halted",
///  "alarms", "chains": [{"name", "chain_id", "height", "timestamp", "adapter_connected",
///  "adapter", "alarms"}]}
nlohmann::json status_json(const NodeStatus& s);

class StatusBoard {
 public:
  void set(NodeStatus s) {
    std::lock_guard lock(mu_);
    status_ = std::move(s);
  }
  NodeStatus get() const {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  mutable std::mutex mu_;
  NodeStatus status_;
};

}  // namespace relay::node
