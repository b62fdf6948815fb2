#include "relay/status.h"

namespace relay::node {

using nlohmann::json;

namespace {
json optional(const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); }
}  // namespace

json status_json(const NodeStatus& s) {
  json chains = json::array();
  for (const ChainStatus& c : s.chains)
    chains.push_back({{"name", c.name},
                      {"chain_id", c.chain_id},
                      {"height", optional(c.height)},
                      {"timestamp", optional(c.timestamp)},
                      {"adapter_connected", c.adapter_connected},
                      {"adapter", c.adapter},
                      {"alarms", c.alarms}});
  json waiting = nullptr;
  if (!s.waiting_for.empty())
    waiting = {{"epoch", s.next_epoch},
               {"end_time", s.waiting_end_time},
               {"chains", s.waiting_for},
               {"since", optional(s.waiting_since)}};
  return {{"network", s.network},
          {"network_id", s.network_id},
          {"validator", s.validator},
          {"next_epoch", s.next_epoch},
          {"waiting", waiting},
          {"signed_epoch", optional(s.signed_epoch)},
          {"certified_epoch", optional(s.certified_epoch)},
          {"halted", s.halted},
          {"alarms", s.alarms},
          {"chains", chains}};
}

}  // namespace relay::node
