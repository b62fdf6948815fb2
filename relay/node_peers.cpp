// Node: signing each applied epoch once, certifying, and gossip with the peers (DESIGN.md
// "One epoch, end to end" steps 6 and 7; docs/node.md "Peers").
#include "proofs/commitment_decode.h"
#include "relay/node.h"

namespace relay::node {
namespace {

constexpr size_t kMaxResent = 16;     // own signatures re-sent per gossip round
constexpr size_t kMaxRequested = 8;   // certificates asked for per peer status

msg::SignatureBytes signature_bytes(std::span<const uint8_t> s) {
  msg::SignatureBytes b{};
  std::copy(s.begin(), s.end(), b.begin());
  return b;
}

}  // namespace

void Node::on_applied(const EpochLoop::Applied& a) {
  Log log = log_.component("epoch");
  log.info("applied", {{"epoch", a.epoch},
                       {"commitment", a.hash.hex()},
                       {"events", a.events},
                       {"applied", a.stats.applied},
                       {"rejected", a.stats.rejected_total()}});
  if (certifier_->halted()) {
    log.warn("not signed: signing is halted by evidence of equivocation", {{"epoch", a.epoch}});
    return;
  }
  auto s = signer_->sign_once(a.epoch, a.hash);
  if (!s) {
    raise(s.error().kind == SignRefusal::kOtherHashSigned ? "sign_once" : "sign", s.error().message);
    return;
  }
  signed_epoch_ = std::max(signed_epoch_.value_or(a.epoch), a.epoch);
  log_.component("sign").info(s->fresh ? "signed" : "signature re-sent from its record",
                              {{"epoch", a.epoch}, {"commitment", a.hash.hex()}});
  for (const Outcome& o : certifier_->set_own(a.commitment, s->record.signature)) on_certifier_outcome(o);
  if (peers_)
    peers_->broadcast(msg::PeerSignature{a.epoch, a.hash, signature_bytes(s->record.signature.bytes)});
}

void Node::on_certifier_outcome(const Outcome& o) {
  Log log = log_.component("certify");
  switch (o.verdict) {
    case Verdict::kCertified:
      log.info("certified", {{"epoch", o.epoch}, {"signatures", o.certificate->signatures.size()}});
      publish(*o.certificate);
      return;
    case Verdict::kEquivocation:
      raise("equivocation", o.message);
      return;
    case Verdict::kRejected:
      log.warn("refused", {{"epoch", o.epoch}, {"reason", o.message}});
      return;
    default:
      log.debug(to_string(o.verdict), {{"epoch", o.epoch}, {"message", o.message}});
  }
}

void Node::on_peer(const PeerLinks::Incoming& in) {
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, msg::PeerSignature>) {
          const Outcome o = certifier_->add_signature(m.epoch, m.commitment_hash, m.signature);
          if (o.verdict != Verdict::kRejected) {
            auto [it, fresh] = peer_last_signature_.try_emplace(in.peer, m.epoch);
            if (!fresh) it->second = std::max(it->second, m.epoch);
          }
          on_certifier_outcome(o);
        } else if constexpr (std::is_same_v<T, msg::PeerCertificate>) {
          auto c = decode_commitment(m.commitment);
          if (!c) {
            log_.component("peers").warn("certificate dropped", {{"peer", in.peer}, {"reason", c.error().message}});
            return;
          }
          Certificate cert{std::move(*c), {}};
          for (const auto& s : m.signatures) cert.signatures.emplace_back(s.begin(), s.end());
          on_certifier_outcome(certifier_->add_certificate(cert));
        } else if constexpr (std::is_same_v<T, msg::PeerStatus>) {
          if (m.network_id != config_.genesis.network_id) {
            log_.component("peers").warn("peer of another network", {{"peer", in.peer}, {"network_id", m.network_id.hex()}});
            return;
          }
          // Ask for the certificates it has of epochs this node applied but has not certified.
          const uint64_t applied = loop_->state().next_epoch();
          if (!m.certified_epoch || applied == 0) return;
          const std::optional<uint64_t> ours = certifier_->highest_certified();
          uint64_t from = ours ? *ours + 1 : 0;
          const uint64_t to = std::min(*m.certified_epoch, applied - 1);
          for (size_t n = 0; from <= to && n < kMaxRequested; ++from, ++n)
            peers_->reply(in, msg::CertificateRequest{from});
        } else if constexpr (std::is_same_v<T, msg::CertificateRequest>) {
          auto cert = certifier_->certificate(m.epoch);
          if (!cert || !*cert) return;
          msg::PeerCertificate out{m.epoch, encode_commitment((*cert)->commitment), {}};
          for (const auto& s : (*cert)->signatures) out.signatures.push_back(signature_bytes(s));
          peers_->reply(in, out);
        }
      },
      in.message);
}

void Node::gossip() {
  if (!peers_) return;
  peers_->broadcast(msg::PeerStatus{config_.genesis.network_id, certifier_->highest_certified(), signed_epoch_});
  const std::optional<uint64_t> certified = certifier_->highest_certified();
  auto records = signer_->records_from(certified ? *certified + 1 : 0);
  if (!records) return;
  const size_t skip = records->size() > kMaxResent ? records->size() - kMaxResent : 0;
  for (size_t i = skip; i < records->size(); ++i) {
    const SignRecord& r = (*records)[i];
    peers_->broadcast(msg::PeerSignature{r.epoch, r.commitment_hash, signature_bytes(r.signature.bytes)});
  }
}

}  // namespace relay::node
