#include "adapters/evm/vault_abi.h"

#include "proofs/keccak.h"
#include "vault/hex.h"

namespace relay::evm {
namespace {

using Bytes = std::vector<uint8_t>;

void put_word(Bytes& out, uint64_t v) {
  for (int i = 0; i < 24; ++i) out.push_back(0);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// `bytes` in a tail: its length, then its bytes zero-padded to a multiple of 32.
void put_bytes(Bytes& out, std::span<const uint8_t> b) {
  put_word(out, b.size());
  out.insert(out.end(), b.begin(), b.end());
  out.resize(out.size() + (32 - b.size() % 32) % 32, 0);
}

size_t padded(size_t n) { return 32 + (n + 31) / 32 * 32; }  // length word + padded bytes

// f(bytes, bytes[]): head (two offsets), then the bytes, then the array.
Bytes encode_bytes_and_array(std::string_view signature, std::span<const uint8_t> first,
                             std::span<const std::vector<uint8_t>> array) {
  auto sel = selector(signature);
  Bytes out(sel.begin(), sel.end());
  put_word(out, 64);
  put_word(out, 64 + padded(first.size()));
  put_bytes(out, first);
  put_word(out, array.size());
  size_t offset = 32 * array.size();  // elements start after the offsets
  for (const auto& e : array) {
    put_word(out, offset);
    offset += padded(e.size());
  }
  for (const auto& e : array) put_bytes(out, e);
  return out;
}

}  // namespace

std::array<uint8_t, 4> selector(std::string_view signature) {
  Hash32 h = keccak256({reinterpret_cast<const uint8_t*>(signature.data()), signature.size()});
  return {h.bytes[0], h.bytes[1], h.bytes[2], h.bytes[3]};
}

std::vector<uint8_t> encode_commit_epoch(std::span<const uint8_t> commitment,
                                         std::span<const std::vector<uint8_t>> signatures) {
  return encode_bytes_and_array("commitEpoch(bytes,bytes[])", commitment, signatures);
}

std::vector<uint8_t> encode_check_certificate(std::span<const uint8_t> commitment,
                                              std::span<const std::vector<uint8_t>> signatures) {
  return encode_bytes_and_array("checkCertificate(bytes,bytes[])", commitment, signatures);
}

std::vector<uint8_t> encode_is_committed(uint64_t epoch) {
  auto sel = selector("isCommitted(uint64)");
  Bytes out(sel.begin(), sel.end());
  put_word(out, epoch);
  return out;
}

Result<bool> decode_bool(std::span<const uint8_t> returned) {
  if (returned.size() != 32)
    return fail("expected one 32-byte word (bool), got " + std::to_string(returned.size()) +
                " bytes: " + to_hex(returned));
  for (size_t i = 0; i < 31; ++i)
    if (returned[i] != 0) return fail("not a bool: " + to_hex(returned));
  if (returned[31] > 1) return fail("not a bool: " + to_hex(returned));
  return returned[31] == 1;
}

}  // namespace relay::evm
