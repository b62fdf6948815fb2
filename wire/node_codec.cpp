// NodeMessage <-> protobuf (proto/relay.proto): decode_node_message and its encode, and the
// names of the error codes and publish outcomes.
#include "proto/relay.pb.h"
#include "wire/messages.h"
#include "wire/proto_fields.h"

namespace relay::msg {
namespace {

using namespace detail;

Decoded<Resume> resume_from(const wire::Resume& m) {
  Resume out;
  out.has_tip = m.has_tip();
  out.next_height = m.next_height();
  auto tip = m.has_tip() ? hash_field(m.tip_hash(), "resume.tip_hash")
                         : hash_or_empty(m.tip_hash(), "resume.tip_hash");
  if (!tip) return std::unexpected(tip.error());
  out.tip_hash = *tip;
  out.event_count = m.event_count();
  auto acc = hash_or_empty(m.accumulator(), "resume.accumulator");
  if (!acc) return std::unexpected(acc.error());
  out.accumulator = *acc;
  return out;
}

Decoded<Ack> ack_from(const wire::Ack& m) {
  auto hash = hash_field(m.block_hash(), "ack.block_hash");
  if (!hash) return std::unexpected(hash.error());
  return Ack{m.seq(), m.height(), *hash};
}

Error error_from(const wire::Error& m) {
  const auto code = static_cast<uint32_t>(m.code());
  const bool known = code <= static_cast<uint32_t>(ErrorCode::timestamp_decreased);
  return Error{known ? static_cast<ErrorCode>(code) : ErrorCode::unspecified, m.message()};
}

Decoded<PublishRequest> publish_from(const wire::PublishRequest& m) {
  auto commitment = nonempty_bytes(m.commitment(), "publish.commitment");
  if (!commitment) return std::unexpected(commitment.error());
  auto sigs = signatures_field(m.signatures(), "publish.signatures");
  if (!sigs) return std::unexpected(sigs.error());
  return PublishRequest{m.epoch(), std::move(*commitment), std::move(*sigs), m.not_before()};
}

template <class T, class D>
Decoded<NodeMessage> widen(Decoded<D> d) {
  if (!d) return std::unexpected(d.error());
  return NodeMessage{std::in_place_type<T>, std::move(*d)};
}

}  // namespace

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::unspecified:
      return "ERROR_UNSPECIFIED";
    case ErrorCode::malformed:
      return "MALFORMED";
    case ErrorCode::oversized:
      return "OVERSIZED";
    case ErrorCode::wrong_network:
      return "WRONG_NETWORK";
    case ErrorCode::wrong_chain:
      return "WRONG_CHAIN";
    case ErrorCode::unsupported_version:
      return "UNSUPPORTED_VERSION";
    case ErrorCode::hello_first:
      return "HELLO_FIRST";
    case ErrorCode::out_of_order:
      return "OUT_OF_ORDER";
    case ErrorCode::conflict:
      return "CONFLICT";
    case ErrorCode::bad_event:
      return "BAD_EVENT";
    case ErrorCode::accumulator_mismatch:
      return "ACCUMULATOR_MISMATCH";
    case ErrorCode::timestamp_decreased:
      return "TIMESTAMP_DECREASED";
  }
  return "ERROR_UNSPECIFIED";
}

const char* to_string(PublishReport::Outcome outcome) {
  switch (outcome) {
    case PublishReport::Outcome::sent:
      return "SENT";
    case PublishReport::Outcome::committed:
      return "COMMITTED";
    case PublishReport::Outcome::already_committed:
      return "ALREADY_COMMITTED";
    case PublishReport::Outcome::failed:
      return "FAILED";
  }
  return "OUTCOME_UNSPECIFIED";
}

Decoded<NodeMessage> decode_node_message(std::span<const uint8_t> bytes) {
  wire::NodeMessage m;
  if (auto e = parse(bytes, m, "NodeMessage")) return std::unexpected(*e);
  switch (m.body_case()) {
    case wire::NodeMessage::kResume:
      return widen<Resume>(resume_from(m.resume()));
    case wire::NodeMessage::kAck:
      return widen<Ack>(ack_from(m.ack()));
    case wire::NodeMessage::kError:
      return NodeMessage{error_from(m.error())};
    case wire::NodeMessage::kPublish:
      return widen<PublishRequest>(publish_from(m.publish()));
    case wire::NodeMessage::BODY_NOT_SET:
      break;
  }
  return refuse(ErrorCode::malformed, "NodeMessage.body: missing (resume, ack, error or publish)");
}

std::vector<uint8_t> encode(const NodeMessage& message) {
  wire::NodeMessage m;
  struct Visitor {
    wire::NodeMessage& m;
    void operator()(const Resume& r) {
      auto* o = m.mutable_resume();
      o->set_has_tip(r.has_tip);
      o->set_next_height(r.next_height);
      if (r.has_tip || !r.tip_hash.is_zero()) o->set_tip_hash(bytes_of(r.tip_hash));
      o->set_event_count(r.event_count);
      if (r.has_tip || !r.accumulator.is_zero()) o->set_accumulator(bytes_of(r.accumulator));
    }
    void operator()(const Ack& a) {
      auto* o = m.mutable_ack();
      o->set_seq(a.seq);
      o->set_height(a.height);
      o->set_block_hash(bytes_of(a.block_hash));
    }
    void operator()(const Error& e) {
      auto* o = m.mutable_error();
      o->set_code(static_cast<wire::ErrorCode>(e.code));
      o->set_message(e.message);
    }
    void operator()(const PublishRequest& p) {
      auto* o = m.mutable_publish();
      o->set_epoch(p.epoch);
      o->set_commitment(bytes_of(p.commitment));
      for (const auto& s : p.signatures) o->add_signatures(bytes_of(s));
      o->set_not_before(p.not_before);
    }
  };
  std::visit(Visitor{m}, message);
  return serialize(m);
}

}  // namespace relay::msg
