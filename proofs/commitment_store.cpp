#include "proofs/commitment_store.h"

#include <cstring>

#include "proofs/commitment_decode.h"
#include "proofs/commitment_keys.h"
#include "vault/sha256.h"

namespace relay::proofs {
namespace {

namespace ck = commitment_keys;

const uint8_t* bytes_of(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string no_commitments() {
  return "the data folder holds no epoch commitments (nothing under P/C/): no epoch was "
         "committed yet, or the folder was written before commitments were kept (replay its "
         "history into a new folder)";
}

}  // namespace

std::string withdrawal_leaves_record(std::span<const WithdrawalLeaf> leaves) {
  std::string rec;
  rec.reserve(leaves.size() * ck::kLeafSize);
  for (const WithdrawalLeaf& l : leaves) {
    rec.append(reinterpret_cast<const char*>(l.id.bytes.data()), 32);
    rec.append(reinterpret_cast<const char*>(l.recipient.bytes.data()), 20);
    rec.append(reinterpret_cast<const char*>(l.token.bytes.data()), 20);
    rec.append(reinterpret_cast<const char*>(l.amount.data()), 32);
  }
  return rec;
}

Result<std::optional<CommitmentHead>> load_commitment_head(const storage::KvStore& store) {
  auto rec = store.get(ck::kHead);
  if (!rec) return std::unexpected(rec.error());
  if (!*rec) return std::optional<CommitmentHead>{};
  auto format = store.get(ck::kFormat);
  if (!format) return std::unexpected(format.error());
  const std::string how_to = "; this relay reads commitment format " +
                             std::to_string(ck::kFormatVersion) +
                             " (the fourteen fields of docs/proofs.md): replay the history into "
                             "a new folder";
  if (!*format)
    return fail("epoch commitments: the data folder holds commitments of an older format (the "
                "eight-field commitment, no P/C/format record)" + how_to);
  if ((*format)->size() != 4)
    return fail("epoch commitments: store corrupt: format record of " +
                std::to_string((*format)->size()) + " bytes");
  if (const uint64_t v = liabilities_keys::read_be(**format); v != ck::kFormatVersion)
    return fail("epoch commitments: the data folder holds commitments of format " +
                std::to_string(v) + how_to);
  if ((*rec)->size() != ck::kHeadSize)
    return fail("epoch commitments: store corrupt: head record of " +
                std::to_string((*rec)->size()) + " bytes");
  CommitmentHead h;
  h.epoch = liabilities_keys::read_be(std::string_view(**rec).substr(0, 8));
  h.hash = Hash32::from_span({bytes_of(**rec) + 8, 32});
  return std::optional<CommitmentHead>{h};
}

Result<StoredCommitment> load_commitment(const storage::KvStore& store, uint64_t epoch) {
  auto head = load_commitment_head(store);
  if (!head) return std::unexpected(head.error());
  if (!*head) return fail(no_commitments());
  if (epoch > (*head)->epoch)
    return fail("epoch " + std::to_string(epoch) + " has no commitment: the data folder holds " +
                "epochs 0 to " + std::to_string((*head)->epoch));
  const std::string where = "epoch " + std::to_string(epoch) + ": store corrupt: ";
  auto rec = store.get(ck::commitment_key(epoch));
  if (!rec) return std::unexpected(rec.error());
  if (!*rec) return fail(where + "no commitment record below the last epoch");
  StoredCommitment s;
  s.encoding.assign(bytes_of(**rec), bytes_of(**rec) + (*rec)->size());
  auto c = decode_commitment(s.encoding);
  if (!c) return fail(where + c.error().message);
  if (c->epoch != epoch)
    return fail(where + "the record holds the commitment of epoch " + std::to_string(c->epoch));
  s.commitment = std::move(*c);
  s.hash = sha256(s.encoding);
  if (epoch == (*head)->epoch && s.hash != (*head)->hash)
    return fail(where + "the commitment hashes to " + s.hash.hex() + ", the head records " +
                (*head)->hash.hex());
  return s;
}

Result<WithdrawalTree> load_withdrawal_tree(const storage::KvStore& store,
                                            const StoredCommitment& stored, size_t chain) {
  const EpochCommitment& c = stored.commitment;
  const std::string where =
      "epoch " + std::to_string(c.epoch) + ", chain " + std::to_string(chain) + ": ";
  if (chain >= c.chain_count())
    return fail(where + "the commitment has " + std::to_string(c.chain_count()) + " chains");
  auto rec = store.get(ck::withdrawals_key(c.epoch, chain));
  if (!rec) return std::unexpected(rec.error());
  std::vector<WithdrawalLeaf> leaves;
  if (*rec) {
    const std::string& r = **rec;
    if (r.empty() || r.size() % ck::kLeafSize != 0)
      return fail(where + "store corrupt: withdrawal record of " + std::to_string(r.size()) +
                  " bytes");
    for (size_t off = 0; off < r.size(); off += ck::kLeafSize) {
      const uint8_t* p = bytes_of(r) + off;
      WithdrawalLeaf l;
      l.id = WithdrawalId::from_span({p, 32});
      l.recipient = Address::from_span({p + 32, 20});
      l.token = Address::from_span({p + 52, 20});
      std::memcpy(l.amount.data(), p + 72, 32);
      leaves.push_back(l);
    }
  }
  auto tree = WithdrawalTree::build(std::move(leaves));
  if (!tree) return fail(where + "store corrupt: " + tree.error().message);
  if (tree->root() != c.withdrawal_roots[chain])
    return fail(where + "store corrupt: the stored withdrawals hash to " + tree->root().hex() +
                ", the commitment holds " + c.withdrawal_roots[chain].hex());
  return std::move(*tree);
}

Result<LocatedWithdrawalProof> prove_stored_withdrawal(const storage::KvStore& store,
                                                       uint64_t epoch, const WithdrawalId& id) {
  auto stored = load_commitment(store, epoch);
  if (!stored) return std::unexpected(stored.error());
  size_t certified = 0;
  for (size_t chain = 0; chain < stored->commitment.chain_count(); ++chain) {
    auto tree = load_withdrawal_tree(store, *stored, chain);
    if (!tree) return std::unexpected(tree.error());
    certified += tree->size();
    if (auto i = tree->index_of(id)) {
      LocatedWithdrawalProof out;
      out.chain = chain;
      out.document = {tree->root(), tree->leaves()[*i], tree->prove(*i)};
      return out;
    }
  }
  return fail("withdrawal " + id.hex() + " was not certified in epoch " + std::to_string(epoch) +
              " (that epoch certified " + std::to_string(certified) +
              " withdrawal(s); a withdrawal is certified in the epoch that applied its request)");
}

}  // namespace relay::proofs
