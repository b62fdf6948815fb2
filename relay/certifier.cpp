#include "relay/certifier.h"

#include <algorithm>

#include "proofs/commitment_decode.h"
#include "proofs/signature.h"
#include "relay/key_search.h"
#include "relay/node_keys.h"

namespace relay::node {
namespace {

constexpr uint8_t kSignatureEvidence = 1, kCertificateEvidence = 2;

Outcome outcome(Verdict v, uint64_t epoch, std::string message) {
  return Outcome{v, epoch, std::move(message), std::nullopt};
}

std::string encode_certificate(const Certificate& cert) {
  const std::vector<uint8_t> c = encode_commitment(cert.commitment);
  std::string v;
  codec::put_be32(v, uint32_t(c.size()));
  v.append(reinterpret_cast<const char*>(c.data()), c.size());
  codec::put_be32(v, uint32_t(cert.signatures.size()));
  for (const auto& s : cert.signatures) v.append(reinterpret_cast<const char*>(s.data()), s.size());
  return v;
}

Result<Certificate> decode_certificate(std::string_view v, uint64_t epoch) {
  const std::string where = "the certificate of epoch " + std::to_string(epoch) + " (N/q/)";
  codec::Reader r(v);
  const uint32_t len = r.be32();
  if (!r.ok() || v.size() < 4 + size_t(len)) return fail(where + " is truncated");
  const auto* p = reinterpret_cast<const uint8_t*>(v.data()) + 4;
  auto c = decode_commitment(std::span(p, len));
  if (!c) return fail(where + ": " + c.error().message);
  codec::Reader rest(v.substr(4 + len));
  const uint32_t n = rest.be32();
  std::string_view sigs = rest.rest();
  if (!rest.ok() || sigs.size() != size_t(n) * 65) return fail(where + ": malformed signatures");
  Certificate cert{std::move(*c), {}};
  for (uint32_t i = 0; i < n; ++i)
    cert.signatures.emplace_back(sigs.begin() + i * 65, sigs.begin() + (i + 1) * 65);
  return cert;
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kCounted:
      return "counted";
    case Verdict::kDuplicate:
      return "duplicate";
    case Verdict::kHeld:
      return "held";
    case Verdict::kCertified:
      return "certified";
    case Verdict::kAlreadyCertified:
      return "already_certified";
    case Verdict::kEquivocation:
      return "equivocation";
    case Verdict::kRejected:
      return "rejected";
  }
  return "?";
}

Certifier::Certifier(const Genesis& genesis, const Secp256k1& secp, storage::KvStore& store,
                     Limits limits)
    : genesis_(genesis), secp_(secp), store_(store), limits_(limits) {}

Result<std::unique_ptr<Certifier>> Certifier::open(const Genesis& genesis, const Secp256k1& secp,
                                                   storage::KvStore& store, Limits limits) {
  std::unique_ptr<Certifier> c(new Certifier(genesis, secp, store, limits));
  for (const Validator& v : genesis.validators) {
    PublicKey pk;
    std::copy(v.pubkey.begin(), v.pubkey.end(), pk.bytes.begin());
    auto a = evm_address(secp, pk);
    if (!a) return fail("validator " + v.name + ": " + a.error().message);
    c->addresses_.push_back(*a);
  }
  auto evidence = store.ceiling(keys::kEvidence, keys::kEvidence);
  if (!evidence) return std::unexpected(evidence.error());
  c->halted_ = evidence->has_value();
  auto last = last_epoch_under(store, keys::kCertificate);
  if (!last) return std::unexpected(last.error());
  c->highest_certified_ = *last;
  return c;
}

std::expected<size_t, std::string> Certifier::signer_of(std::span<const uint8_t> sig,
                                                        const Hash32& hash) const {
  auto pk = recover_signer(secp_, sig, genesis_.network_id, hash);
  if (!pk)
    return std::unexpected(std::string("malformed signature: ") +
                           std::string(to_string(pk.error())));
  for (size_t i = 0; i < genesis_.validators.size(); ++i)
    if (std::equal(genesis_.validators[i].pubkey.begin(), genesis_.validators[i].pubkey.end(),
                   pk->bytes.begin()))
      return i;
  return std::unexpected("the signature recovers to " + pk->hex() +
                         ", not a genesis validator (or it signed another hash or network)");
}

Result<std::optional<Certificate>> Certifier::certificate(uint64_t epoch) const {
  auto v = store_.get(keys::certificate_key(epoch));
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::optional<Certificate>{};
  auto cert = decode_certificate(**v, epoch);
  if (!cert) return std::unexpected(cert.error());
  return std::optional<Certificate>{std::move(*cert)};
}

Result<std::optional<Hash32>> Certifier::our_hash(uint64_t epoch) const {
  if (auto it = epochs_.find(epoch); it != epochs_.end())
    return std::optional<Hash32>{it->second.hash};
  auto cert = certificate(epoch);
  if (!cert) return std::unexpected(cert.error());
  if (!*cert) return std::optional<Hash32>{};
  return std::optional<Hash32>{commitment_hash((*cert)->commitment)};
}

Outcome Certifier::store_evidence(uint64_t epoch, uint8_t kind, const Hash32& theirs,
                                  const Hash32& ours, size_t validator,
                                  std::span<const uint8_t> sig) {
  std::string v(1, char(kind));
  codec::put_bytes(v, theirs);
  codec::put_bytes(v, ours);
  v.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  storage::WriteBatch wb;
  wb.put(keys::evidence_key(epoch, addresses_[validator]), v);
  // Halted even if the write fails: the evidence was seen.
  halted_ = true;
  const std::string what =
      std::string(kind == kSignatureEvidence ? "a signature" : "a certificate") + " of validator " +
      genesis_.validators[validator].name + " (" + addresses_[validator].hex() +
      ") for commitment " + theirs.hex() + ", this node's is " + ours.hex();
  if (auto w = store_.write(wb, /*sync=*/true); !w)
    return outcome(Verdict::kEquivocation, epoch,
                   "epoch " + std::to_string(epoch) + ": " + what +
                       "; storing the evidence failed (" + w.error().message + "); signing halted");
  return outcome(
      Verdict::kEquivocation, epoch,
      "epoch " + std::to_string(epoch) + ": " + what + "; evidence stored, signing halted");
}

Outcome Certifier::store_certificate(const Certificate& cert, uint64_t epoch) {
  storage::WriteBatch wb;
  wb.put(keys::certificate_key(epoch), encode_certificate(cert));
  if (auto w = store_.write(wb, /*sync=*/true); !w)
    return outcome(Verdict::kRejected, epoch,
                   "storing the certificate failed: " + w.error().message);
  highest_certified_ = std::max(highest_certified_.value_or(epoch), epoch);
  epochs_.erase(epoch);
  Outcome o = outcome(Verdict::kCertified, epoch,
                      "epoch " + std::to_string(epoch) + " certified with " +
                          std::to_string(cert.signatures.size()) + " signature(s)");
  o.certificate = cert;
  return o;
}

Outcome Certifier::form_certificate(uint64_t epoch, Epoch& e) {
  std::vector<std::pair<Address, const Signature*>> by_address;
  for (const auto& [v, sig] : e.signatures) by_address.emplace_back(addresses_[v], &sig);
  std::sort(by_address.begin(), by_address.end(),
            [](const auto& a, const auto& b) { return a.first.bytes < b.first.bytes; });
  Certificate cert{e.commitment, {}};
  for (const auto& [a, sig] : by_address)
    cert.signatures.emplace_back(sig->bytes.begin(), sig->bytes.end());
  if (auto ok = verify_certificate(cert, genesis_, secp_); !ok)  // a bug if it fires
    return outcome(Verdict::kRejected, epoch,
                   "the certificate formed does not verify: " + ok.error().message);
  return store_certificate(cert, epoch);
}

Outcome Certifier::judge_signature(uint64_t epoch, const Hash32& hash, size_t validator,
                                   std::span<const uint8_t> sig) {
  auto ours = our_hash(epoch);
  if (!ours) return outcome(Verdict::kRejected, epoch, ours.error().message);
  if (hash != **ours)
    return store_evidence(epoch, kSignatureEvidence, hash, **ours, validator, sig);
  auto it = epochs_.find(epoch);
  if (it == epochs_.end())
    return outcome(Verdict::kAlreadyCertified, epoch,
                   "epoch " + std::to_string(epoch) + " is certified");
  Epoch& e = it->second;
  if (e.signatures.contains(validator))
    return outcome(Verdict::kDuplicate, epoch,
                   "validator " + genesis_.validators[validator].name + " already counted");
  Signature s;
  std::copy(sig.begin(), sig.end(), s.bytes.begin());
  e.signatures.emplace(validator, s);
  e.weight += genesis_.validators[validator].weight;
  if (e.weight >= genesis_.quorum) return form_certificate(epoch, e);
  return outcome(Verdict::kCounted, epoch,
                 "validator " + genesis_.validators[validator].name + " counted: weight " +
                     std::to_string(e.weight) + " of quorum " + std::to_string(genesis_.quorum));
}

Outcome Certifier::judge_certificate(const Certificate& cert, const Hash32& hash) {
  const uint64_t epoch = cert.commitment.epoch;
  auto ours = our_hash(epoch);
  if (!ours) return outcome(Verdict::kRejected, epoch, ours.error().message);
  if (hash != **ours) {
    Outcome last = outcome(Verdict::kEquivocation, epoch, "");
    for (const auto& sig : cert.signatures)
      if (auto v = signer_of(sig, hash))
        last = store_evidence(epoch, kCertificateEvidence, hash, **ours, *v, sig);
    return last;
  }
  if (!epochs_.contains(epoch))
    return outcome(Verdict::kAlreadyCertified, epoch,
                   "epoch " + std::to_string(epoch) + " is certified");
  return store_certificate(cert, epoch);
}

Outcome Certifier::add_signature(uint64_t epoch, const Hash32& hash,
                                 std::span<const uint8_t> signature) {
  auto v = signer_of(signature, hash);
  if (!v)
    return outcome(Verdict::kRejected, epoch, "epoch " + std::to_string(epoch) + ": " + v.error());
  auto ours = our_hash(epoch);
  if (!ours) return outcome(Verdict::kRejected, epoch, ours.error().message);
  if (*ours) return judge_signature(epoch, hash, *v, signature);
  for (const Held& h : held_)
    if (!h.cert && h.epoch == epoch && h.validator == *v && h.hash == hash)
      return outcome(Verdict::kDuplicate, epoch, "already held");
  if (held_.size() >= limits_.max_held)
    return outcome(Verdict::kRejected, epoch,
                   "held signatures at their bound (" + std::to_string(limits_.max_held) +
                       "): dropped (the peer sends it again)");
  held_.push_back(Held{epoch, hash, *v, {signature.begin(), signature.end()}, std::nullopt});
  return outcome(Verdict::kHeld, epoch,
                 "epoch " + std::to_string(epoch) + " not computed yet: held");
}

Outcome Certifier::add_certificate(const Certificate& cert) {
  const uint64_t epoch = cert.commitment.epoch;
  auto verified = verify_certificate(cert, genesis_, secp_);
  if (!verified)
    return outcome(
        Verdict::kRejected, epoch,
        "certificate of epoch " + std::to_string(epoch) + ": " + verified.error().message);
  auto ours = our_hash(epoch);
  if (!ours) return outcome(Verdict::kRejected, epoch, ours.error().message);
  if (*ours) return judge_certificate(cert, verified->commitment_hash);
  if (held_.size() >= limits_.max_held)
    return outcome(Verdict::kRejected, epoch, "held certificates at their bound: dropped");
  held_.push_back(Held{epoch, verified->commitment_hash, 0, {}, cert});
  return outcome(Verdict::kHeld, epoch,
                 "epoch " + std::to_string(epoch) + " not computed yet: held");
}

std::vector<Outcome> Certifier::set_own(const EpochCommitment& commitment, const Signature& own) {
  const uint64_t epoch = commitment.epoch;
  const Hash32 hash = commitment_hash(commitment);
  if (auto it = epochs_.find(epoch); it != epochs_.end()) {
    if (it->second.hash == hash) return {};
    return {outcome(Verdict::kRejected, epoch,
                    "a second own commitment for epoch " + std::to_string(epoch))};
  }
  auto ours = our_hash(epoch);
  if (!ours) return {outcome(Verdict::kRejected, epoch, ours.error().message)};
  if (*ours && **ours == hash) return {};  // certified already
  std::vector<Outcome> out;
  if (*ours) {  // a stored certificate of another hash: evidence against each of its signers
    auto cert = certificate(epoch);
    if (cert && *cert)
      for (const auto& sig : (*cert)->signatures)
        if (auto v = signer_of(sig, **ours))
          out.push_back(store_evidence(epoch, kCertificateEvidence, **ours, hash, *v, sig));
    return out;
  }
  auto v = signer_of(own.bytes, hash);
  if (!v) return {outcome(Verdict::kRejected, epoch, "own signature: " + v.error())};
  epochs_[epoch] = Epoch{commitment, hash, {}, 0};
  out.push_back(judge_signature(epoch, hash, *v, own.bytes));
  std::deque<Held> keep;
  std::vector<Held> now;
  for (Held& h : held_)
    (h.epoch == epoch ? now.push_back(std::move(h)) : keep.push_back(std::move(h)));
  held_ = std::move(keep);
  for (const Held& h : now)
    out.push_back(h.cert ? judge_certificate(*h.cert, h.hash)
                         : judge_signature(epoch, h.hash, h.validator, h.signature));
  return out;
}

}  // namespace relay::node
