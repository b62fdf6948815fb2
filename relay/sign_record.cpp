#include "relay/sign_record.h"

#include <cstring>

#include "proofs/signature.h"
#include "relay/node_keys.h"

namespace relay::node {
namespace {

constexpr size_t kRecordSize = 32 + 65;

std::unexpected<SignError> refuse(SignRefusal kind, std::string message) {
  return std::unexpected(SignError{kind, std::move(message)});
}

std::string encode(const SignRecord& r) {
  std::string v;
  codec::put_bytes(v, r.commitment_hash);
  codec::put_bytes(v, r.signature);
  return v;
}

std::expected<SignRecord, SignError> decode(uint64_t epoch, std::string_view v) {
  if (v.size() != kRecordSize)
    return refuse(SignRefusal::kMalformedRecord,
                  "the sign record of epoch " + std::to_string(epoch) + " is " +
                      std::to_string(v.size()) + " bytes, not 97: the data folder is damaged");
  codec::Reader r(v);
  SignRecord rec;
  rec.epoch = epoch;
  rec.commitment_hash = r.bytes<Hash32>();
  rec.signature = r.bytes<Signature>();
  return rec;
}

}  // namespace

const char* to_string(SignRefusal r) {
  switch (r) {
    case SignRefusal::kOtherHashSigned:
      return "other_hash_signed";
    case SignRefusal::kHalted:
      return "halted";
    case SignRefusal::kStorage:
      return "storage";
    case SignRefusal::kMalformedRecord:
      return "malformed_record";
    case SignRefusal::kBadKey:
      return "bad_key";
  }
  return "?";
}

std::expected<std::optional<SignRecord>, SignError> Signer::record(uint64_t epoch) const {
  auto v = store_.get(keys::sign_record_key(epoch));
  if (!v)
    return refuse(SignRefusal::kStorage, "reading the sign record of epoch " +
                                             std::to_string(epoch) + ": " + v.error().message);
  if (!*v) return std::optional<SignRecord>{};
  auto rec = decode(epoch, **v);
  if (!rec) return std::unexpected(rec.error());
  return std::optional<SignRecord>{*rec};
}

std::expected<std::vector<SignRecord>, SignError> Signer::records_from(uint64_t epoch) const {
  std::vector<SignRecord> out;
  std::optional<SignError> bad;
  auto scanned = store_.scan_from(keys::kSignRecord, keys::sign_record_key(epoch),
                                  [&](std::string_view k, std::string_view v) {
    codec::Reader r(k.substr(keys::kSignRecord.size()));
    const uint64_t e = r.be64();
    if (e < epoch) return true;
    auto rec = decode(e, v);
    if (!rec) {
      bad = rec.error();
      return false;
    }
    out.push_back(*rec);
    return true;
  });
  if (!scanned)
    return refuse(SignRefusal::kStorage, "reading sign records: " + scanned.error().message);
  if (bad) return std::unexpected(*bad);
  return out;
}

std::expected<bool, SignError> Signer::halted() const {
  auto first = store_.ceiling(keys::kEvidence, keys::kEvidence);
  if (!first) return refuse(SignRefusal::kStorage, "reading evidence: " + first.error().message);
  return first->has_value();
}

std::expected<Signer::Signed, SignError> Signer::sign_once(uint64_t epoch, const Hash32& hash) {
  auto stored = record(epoch);
  if (!stored) return std::unexpected(stored.error());
  if (*stored) {
    if ((*stored)->commitment_hash == hash) return Signed{**stored, false};
    return refuse(SignRefusal::kOtherHashSigned,
                  "epoch " + std::to_string(epoch) + " was signed for commitment " +
                      (*stored)->commitment_hash.hex() + "; refusing to sign " + hash.hex() +
                      " (this node computed two commitments for one epoch)");
  }
  auto h = halted();
  if (!h) return std::unexpected(h.error());
  if (*h)
    return refuse(SignRefusal::kHalted,
                  "evidence of equivocation is stored (N/x/): refusing to "
                  "sign epoch " +
                      std::to_string(epoch));
  auto sig = sign_commitment(secp_, key_, network_id_, hash);
  if (!sig) return refuse(SignRefusal::kBadKey, sig.error().message);
  SignRecord rec{epoch, hash, *sig};
  storage::WriteBatch wb;
  wb.put(keys::sign_record_key(epoch), encode(rec));
  if (auto w = store_.write(wb, /*sync=*/true); !w)
    return refuse(SignRefusal::kStorage, "writing the sign record of epoch " +
                                             std::to_string(epoch) + ": " + w.error().message +
                                             "; nothing was sent");
  return Signed{rec, true};
}

}  // namespace relay::node
