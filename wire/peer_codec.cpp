// PeerMessage <-> protobuf (proto/relay.proto, docs/node.md "Peers"): decode_peer_message and
// its encode.
#include "proto/relay.pb.h"
#include "wire/messages.h"
#include "wire/proto_fields.h"

namespace relay::msg {
namespace {

using namespace detail;

Decoded<PeerSignature> signature_from(const wire::PeerSignature& m) {
  auto hash = hash_field(m.commitment_hash(), "signature.commitment_hash");
  if (!hash) return std::unexpected(hash.error());
  auto sig = signature_field(m.signature(), "signature.signature");
  if (!sig) return std::unexpected(sig.error());
  return PeerSignature{m.epoch(), *hash, *sig};
}

Decoded<PeerCertificate> certificate_from(const wire::PeerCertificate& m) {
  auto commitment = nonempty_bytes(m.commitment(), "certificate.commitment");
  if (!commitment) return std::unexpected(commitment.error());
  auto sigs = signatures_field(m.signatures(), "certificate.signatures");
  if (!sigs) return std::unexpected(sigs.error());
  return PeerCertificate{m.epoch(), std::move(*commitment), std::move(*sigs)};
}

Decoded<PeerStatus> status_from(const wire::PeerStatus& m) {
  auto network = hash_field(m.network_id(), "status.network_id");
  if (!network) return std::unexpected(network.error());
  PeerStatus out;
  out.network_id = *network;
  if (m.has_certified()) out.certified_epoch = m.certified_epoch();
  if (m.has_signed()) out.signed_epoch = m.signed_epoch();
  return out;
}

template <class T, class D>
Decoded<PeerMessage> widen(Decoded<D> d) {
  if (!d) return std::unexpected(d.error());
  return PeerMessage{std::in_place_type<T>, std::move(*d)};
}

}  // namespace

Decoded<PeerMessage> decode_peer_message(std::span<const uint8_t> bytes) {
  wire::PeerMessage m;
  if (auto e = parse(bytes, m, "PeerMessage")) return std::unexpected(*e);
  switch (m.body_case()) {
    case wire::PeerMessage::kSignature:
      return widen<PeerSignature>(signature_from(m.signature()));
    case wire::PeerMessage::kCertificate:
      return widen<PeerCertificate>(certificate_from(m.certificate()));
    case wire::PeerMessage::kStatus:
      return widen<PeerStatus>(status_from(m.status()));
    case wire::PeerMessage::kRequest:
      return PeerMessage{CertificateRequest{m.request().epoch()}};
    case wire::PeerMessage::BODY_NOT_SET:
      break;
  }
  return refuse(ErrorCode::malformed,
                "PeerMessage.body: missing (signature, certificate, status or request)");
}

std::vector<uint8_t> encode(const PeerMessage& message) {
  wire::PeerMessage m;
  struct Visitor {
    wire::PeerMessage& m;
    void operator()(const PeerSignature& s) {
      auto* o = m.mutable_signature();
      o->set_epoch(s.epoch);
      o->set_commitment_hash(bytes_of(s.commitment_hash));
      o->set_signature(bytes_of(s.signature));
    }
    void operator()(const PeerCertificate& c) {
      auto* o = m.mutable_certificate();
      o->set_epoch(c.epoch);
      o->set_commitment(bytes_of(c.commitment));
      for (const auto& s : c.signatures) o->add_signatures(bytes_of(s));
    }
    void operator()(const PeerStatus& s) {
      auto* o = m.mutable_status();
      o->set_network_id(bytes_of(s.network_id));
      o->set_has_certified(s.certified_epoch.has_value());
      o->set_certified_epoch(s.certified_epoch.value_or(0));
      o->set_has_signed(s.signed_epoch.has_value());
      o->set_signed_epoch(s.signed_epoch.value_or(0));
    }
    void operator()(const CertificateRequest& r) { m.mutable_request()->set_epoch(r.epoch); }
  };
  std::visit(Visitor{m}, message);
  return serialize(m);
}

}  // namespace relay::msg
