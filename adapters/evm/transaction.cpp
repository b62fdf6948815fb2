#include "adapters/evm/transaction.h"

#include <algorithm>

#include "adapters/evm/rlp.h"
#include "proofs/keccak.h"

namespace relay::evm {
namespace {

constexpr uint8_t kType = 0x02;  // EIP-1559's EIP-2718 transaction type

// The nine fields every type-2 payload starts with, RLP-encoded.
std::vector<rlp::Bytes> fields(const Eip1559Transaction& tx) {
  return {rlp::encode_uint(tx.chain_id),
          rlp::encode_uint(tx.nonce),
          rlp::encode_uint(tx.max_priority_fee_per_gas),
          rlp::encode_uint(tx.max_fee_per_gas),
          rlp::encode_uint(tx.gas_limit),
          rlp::encode_bytes(tx.to.span()),
          rlp::encode_uint(tx.value),
          rlp::encode_bytes(tx.data),
          rlp::encode_list({})};  // access list: empty
}

std::vector<uint8_t> typed(const rlp::Bytes& payload) {
  std::vector<uint8_t> out(1 + payload.size());
  out[0] = kType;
  std::copy(payload.begin(), payload.end(), out.begin() + 1);
  return out;
}

// A 32-byte big-endian scalar (r or s) as an RLP integer: leading zero bytes dropped.
rlp::Bytes scalar(std::span<const uint8_t> be32) {
  size_t i = 0;
  while (i < be32.size() && be32[i] == 0) ++i;
  return rlp::encode_bytes(be32.subspan(i));
}

}  // namespace

Hash32 signing_hash(const Eip1559Transaction& tx) {
  return keccak256(typed(rlp::encode_list(fields(tx))));
}

Result<SignedTransaction> sign_transaction(const Eip1559Transaction& tx, const SecretKey& key,
                                           const Secp256k1& secp) {
  auto sig = secp.sign(key, signing_hash(tx));
  if (!sig) return std::unexpected(sig.error());
  // proofs' signatures are r ‖ s ‖ v with v = 27 + recovery id (ecrecover's form).
  std::span<const uint8_t, 65> b = sig->span();
  auto f = fields(tx);
  f.push_back(rlp::encode_uint(uint64_t(b[64] - 27)));
  f.push_back(scalar(b.subspan(0, 32)));
  f.push_back(scalar(b.subspan(32, 32)));
  SignedTransaction out;
  out.raw = typed(rlp::encode_list(f));
  out.hash = keccak256(out.raw);
  return out;
}

}  // namespace relay::evm
