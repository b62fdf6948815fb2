#include "relay/ingest.h"

#include <algorithm>

namespace relay::node {
namespace {

using Code = msg::ErrorCode;

}  // namespace

Result<msg::Resume> Ingest::resume() const {
  auto tip = store_.tip(chain_);
  if (!tip) return std::unexpected(tip.error());
  msg::Resume r;
  if (!*tip) {
    r.next_height = genesis_.chains[chain_].start_block;
    return r;
  }
  r.has_tip = true;
  r.next_height = (*tip)->height + 1;
  r.tip_hash = (*tip)->hash;
  r.event_count = (*tip)->event_count;
  r.accumulator = (*tip)->accumulator;
  return r;
}

Ingest::Outcome Ingest::refuse(const std::string& routing_id, BlocksRefusal refusal) {
  if (auto it = sessions_.find(routing_id); it != sessions_.end())
    it->second.state = Session::State::kEnded;
  Outcome o;
  o.reply = msg::Error{refusal.code, refusal.message};
  o.refusal = std::move(refusal);
  return o;
}

Ingest::Outcome Ingest::on_hello(const std::string& routing_id, const msg::Hello& h) {
  const ChainConfig& cc = genesis_.chains[chain_];
  if (h.protocol_version != msg::kProtocolVersion)
    return refuse(routing_id, {Code::unsupported_version,
                               "protocol_version " + std::to_string(h.protocol_version) +
                                   ": this node speaks " + std::to_string(msg::kProtocolVersion)});
  if (h.network_id != genesis_.network_id)
    return refuse(routing_id, {Code::wrong_network, "network_id " + h.network_id.hex() +
                                                        " is not this node's " +
                                                        genesis_.network_id.hex()});
  if (h.chain_id != cc.chain_id)
    return refuse(routing_id, {Code::wrong_chain, "chain_id " + std::to_string(h.chain_id.value) +
                                                      ": this endpoint serves " + cc.name +
                                                      " (chain id " +
                                                      std::to_string(cc.chain_id.value) + ")"});
  auto r = resume();
  if (!r) return refuse(routing_id, {Code::unspecified, "the node cannot read its store: " + r.error().message, true});
  if (sessions_.size() >= kMaxSessions && !sessions_.contains(routing_id)) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_use < b.second.last_use;
    });
    sessions_.erase(oldest);
  }
  sessions_[routing_id] = Session{Session::State::kActive, 1, clock_};
  Outcome o;
  o.reply = *r;
  o.hello = h;
  return o;
}

Ingest::Outcome Ingest::on_blocks(const std::string& routing_id, Session& session,
                                  const msg::Blocks& blocks) {
  if (blocks.seq != session.next_seq)
    return refuse(routing_id, {Code::out_of_order, "seq " + std::to_string(blocks.seq) +
                                                       ": the next of this session is " +
                                                       std::to_string(session.next_seq)});
  auto tip = store_.tip(chain_);
  if (!tip) return refuse(routing_id, {Code::unspecified, "the node cannot read its store: " + tip.error().message, true});
  auto checked = check_blocks(blocks, genesis_, chain_, *tip,
                              [&](uint64_t height) { return store_.block(chain_, height); });
  if (!checked) return refuse(routing_id, checked.error());
  if (auto w = store_.append(chain_, checked->blocks, checked->events); !w)
    return refuse(routing_id, {Code::unspecified, "the node could not store the blocks: " + w.error().message, true});
  ++session.next_seq;
  const BlockRecord& last = checked->blocks.empty() ? **tip : checked->blocks.back();
  Outcome o;
  o.reply = msg::Ack{blocks.seq, last.height, last.hash};
  o.stored = std::move(checked->blocks);
  return o;
}

Ingest::Outcome Ingest::handle(const std::string& routing_id, std::span<const uint8_t> bytes) {
  ++clock_;
  auto decoded = msg::decode_adapter_message(bytes, genesis_, chain_);
  auto it = sessions_.find(routing_id);
  const bool hello = decoded && std::holds_alternative<msg::Hello>(*decoded);
  if (!hello && it != sessions_.end() && it->second.state == Session::State::kEnded)
    return {};  // after an Error, silence until the next Hello
  if (!decoded) return refuse(routing_id, {decoded.error().code, decoded.error().message});
  if (hello) return on_hello(routing_id, std::get<msg::Hello>(*decoded));
  if (it == sessions_.end())
    return refuse(routing_id, {Code::hello_first, "no session: say Hello first (the node may have restarted)"});
  Session& session = it->second;
  session.last_use = clock_;
  Outcome o;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, msg::Blocks>)
          o = on_blocks(routing_id, session, m);
        else if constexpr (std::is_same_v<T, msg::PublishReport>)
          o.report = m;
        else if constexpr (std::is_same_v<T, msg::CommittedOnChain>)
          o.committed = m;
        else if constexpr (std::is_same_v<T, msg::AdapterAlarm>)
          o.alarm = m;
      },
      *decoded);
  return o;
}

}  // namespace relay::node
