// AdapterMessage <-> protobuf (proto/relay.proto): decode_adapter_message and its encode.
#include <stdexcept>

#include "proto/relay.pb.h"
#include "wire/messages.h"
#include "wire/proto_fields.h"
#include "wire/wire.h"

namespace relay::msg {
namespace {

using namespace detail;

Decoded<Hello> hello_from(const wire::Hello& m) {
  auto network = hash_field(m.network_id(), "hello.network_id");
  if (!network) return std::unexpected(network.error());
  return Hello{m.protocol_version(), *network, ChainId{m.chain_id()}, m.adapter_name(),
               m.adapter_version()};
}

Decoded<BlockHeader> header_from(const wire::BlockHeader& m, const std::string& field) {
  auto hash = hash_field(m.hash(), field + ".hash");
  if (!hash) return std::unexpected(hash.error());
  auto parent = hash_field(m.parent_hash(), field + ".parent_hash");
  if (!parent) return std::unexpected(parent.error());
  auto acc = hash_field(m.accumulator(), field + ".accumulator");
  if (!acc) return std::unexpected(acc.error());
  return BlockHeader{m.height(), *hash, *parent, m.timestamp(), m.event_count(), *acc};
}

Decoded<Blocks> blocks_from(const wire::Blocks& m, const Genesis& genesis, size_t chain_index) {
  if (m.headers_size() == 0) return refuse(ErrorCode::malformed, "blocks.headers: empty");
  if (static_cast<size_t>(m.headers_size()) > kMaxBlockHeaders)
    return refuse(ErrorCode::oversized, "blocks.headers: " + std::to_string(m.headers_size()) +
                                            " headers, more than the limit of " +
                                            std::to_string(kMaxBlockHeaders));
  if (static_cast<size_t>(m.events_size()) > kMaxBlockEvents)
    return refuse(ErrorCode::oversized, "blocks.events: " + std::to_string(m.events_size()) +
                                            " events, more than the limit of " +
                                            std::to_string(kMaxBlockEvents));
  Blocks out;
  out.seq = m.seq();
  out.headers.reserve(static_cast<size_t>(m.headers_size()));
  for (int i = 0; i < m.headers_size(); ++i) {
    auto h = header_from(m.headers(i), "blocks.headers[" + std::to_string(i) + "]");
    if (!h) return std::unexpected(h.error());
    out.headers.push_back(*h);
  }
  const ChainConfig& served = genesis.chains.at(chain_index);
  out.events.reserve(static_cast<size_t>(m.events_size()));
  for (int i = 0; i < m.events_size(); ++i) {
    const std::string field = "blocks.events[" + std::to_string(i) + "]";
    auto e = event_from_proto(m.events(i), genesis);
    if (!e) return refuse(ErrorCode::bad_event, field + "." + e.error().message);
    if (e->chain != served.name)
      return refuse(ErrorCode::bad_event, field + ".position.chain_id: " +
                                              std::to_string(m.events(i).position().chain_id()) +
                                              " is not this endpoint's chain (" + served.name +
                                              ", " + std::to_string(served.chain_id.value) + ")");
    out.events.push_back(std::move(*e));
  }
  return out;
}

Decoded<PublishReport> report_from(const wire::PublishReport& m) {
  PublishReport out;
  out.epoch = m.epoch();
  switch (m.outcome()) {
    case wire::PublishReport::SENT:
      out.outcome = PublishReport::Outcome::sent;
      break;
    case wire::PublishReport::COMMITTED:
      out.outcome = PublishReport::Outcome::committed;
      break;
    case wire::PublishReport::ALREADY_COMMITTED:
      out.outcome = PublishReport::Outcome::already_committed;
      break;
    case wire::PublishReport::FAILED:
      out.outcome = PublishReport::Outcome::failed;
      break;
    case wire::PublishReport::OUTCOME_UNSPECIFIED:
      return refuse(ErrorCode::malformed, "publish_report.outcome: missing");
    default:
      return refuse(ErrorCode::malformed, "publish_report.outcome: unknown value " +
                                              std::to_string(static_cast<int>(m.outcome())));
  }
  auto tx = optional_hash(m.tx_hash(), "publish_report.tx_hash");
  if (!tx) return std::unexpected(tx.error());
  out.tx_hash = *tx;
  out.block = m.block();
  out.message = m.message();
  return out;
}

Decoded<CommittedOnChain> committed_from(const wire::CommittedOnChain& m) {
  auto hash = hash_field(m.commitment_hash(), "committed.commitment_hash");
  if (!hash) return std::unexpected(hash.error());
  auto tx = hash_field(m.tx_hash(), "committed.tx_hash");
  if (!tx) return std::unexpected(tx.error());
  return CommittedOnChain{m.epoch(), *hash, m.block(), *tx};
}

Decoded<AdapterAlarm> alarm_from(const wire::AdapterAlarm& m) {
  if (m.kind().empty()) return refuse(ErrorCode::malformed, "alarm.kind: missing");
  return AdapterAlarm{m.kind(), m.message(), m.cleared()};
}

template <class T, class D>
Decoded<AdapterMessage> widen(Decoded<D> d) {
  if (!d) return std::unexpected(d.error());
  return AdapterMessage{std::in_place_type<T>, std::move(*d)};
}

void put_event(const Event& e, const Genesis& genesis, wire::ChainEvent& out) {
  if (auto r = event_to_proto(e, genesis, out); !r)
    throw std::invalid_argument("encode(Blocks): " + r.error().message);
}

}  // namespace

Decoded<AdapterMessage> decode_adapter_message(std::span<const uint8_t> bytes,
                                               const Genesis& genesis, size_t chain_index) {
  wire::AdapterMessage m;
  if (auto e = parse(bytes, m, "AdapterMessage")) return std::unexpected(*e);
  switch (m.body_case()) {
    case wire::AdapterMessage::kHello:
      return widen<Hello>(hello_from(m.hello()));
    case wire::AdapterMessage::kBlocks:
      return widen<Blocks>(blocks_from(m.blocks(), genesis, chain_index));
    case wire::AdapterMessage::kPublishReport:
      return widen<PublishReport>(report_from(m.publish_report()));
    case wire::AdapterMessage::kCommitted:
      return widen<CommittedOnChain>(committed_from(m.committed()));
    case wire::AdapterMessage::kAlarm:
      return widen<AdapterAlarm>(alarm_from(m.alarm()));
    case wire::AdapterMessage::BODY_NOT_SET:
      break;
  }
  return refuse(ErrorCode::malformed,
                "AdapterMessage.body: missing (hello, blocks, publish_report, committed or alarm)");
}

std::vector<uint8_t> encode(const AdapterMessage& message, const Genesis& genesis) {
  wire::AdapterMessage m;
  struct Visitor {
    wire::AdapterMessage& m;
    const Genesis& genesis;
    void operator()(const Hello& h) {
      auto* o = m.mutable_hello();
      o->set_protocol_version(h.protocol_version);
      o->set_network_id(bytes_of(h.network_id));
      o->set_chain_id(h.chain_id.value);
      o->set_adapter_name(h.adapter_name);
      o->set_adapter_version(h.adapter_version);
    }
    void operator()(const Blocks& b) {
      auto* o = m.mutable_blocks();
      o->set_seq(b.seq);
      for (const BlockHeader& h : b.headers) {
        auto* x = o->add_headers();
        x->set_height(h.height);
        x->set_hash(bytes_of(h.hash));
        x->set_parent_hash(bytes_of(h.parent_hash));
        x->set_timestamp(h.timestamp);
        x->set_event_count(h.event_count);
        x->set_accumulator(bytes_of(h.accumulator));
      }
      for (const Event& e : b.events) put_event(e, genesis, *o->add_events());
    }
    void operator()(const PublishReport& r) {
      auto* o = m.mutable_publish_report();
      o->set_epoch(r.epoch);
      o->set_outcome(static_cast<wire::PublishReport::Outcome>(r.outcome));
      if (r.tx_hash) o->set_tx_hash(bytes_of(*r.tx_hash));
      o->set_block(r.block);
      o->set_message(r.message);
    }
    void operator()(const CommittedOnChain& c) {
      auto* o = m.mutable_committed();
      o->set_epoch(c.epoch);
      o->set_commitment_hash(bytes_of(c.commitment_hash));
      o->set_block(c.block);
      o->set_tx_hash(bytes_of(c.tx_hash));
    }
    void operator()(const AdapterAlarm& a) {
      auto* o = m.mutable_alarm();
      o->set_kind(a.kind);
      o->set_message(a.message);
      o->set_cleared(a.cleared);
    }
  };
  std::visit(Visitor{m, genesis}, message);
  return serialize(m);
}

}  // namespace relay::msg
