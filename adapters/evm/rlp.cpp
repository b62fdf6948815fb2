#include "adapters/evm/rlp.h"

namespace relay::evm::rlp {
namespace {

// The minimal big-endian bytes of v (none for 0).
template <class U>
Bytes minimal_be(U v) {
  Bytes out;
  for (; v != 0; v >>= 8) out.insert(out.begin(), static_cast<uint8_t>(v & 0xff));
  return out;
}

// The prefix of a payload of `len` bytes: `short_base` + len below 56, otherwise
// `short_base` + 55 + len(len) followed by len's big-endian bytes.
// The result has room reserved for the payload too.
Bytes header(size_t len, uint8_t short_base) {
  Bytes n = len <= 55 ? Bytes{} : minimal_be<uint64_t>(len);
  Bytes out;
  out.reserve(1 + n.size() + len);
  out.push_back(static_cast<uint8_t>(short_base + (len <= 55 ? len : 55 + n.size())));
  out.insert(out.end(), n.begin(), n.end());
  return out;
}

}  // namespace

Bytes encode_bytes(std::span<const uint8_t> s) {
  if (s.size() == 1 && s[0] < 0x80) return {s[0]};
  Bytes out = header(s.size(), 0x80);
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Bytes encode_uint(uint64_t v) { return encode_bytes(minimal_be(v)); }

Bytes encode_uint(Amount v) { return encode_bytes(minimal_be(v.raw())); }

Bytes encode_list(std::span<const Bytes> encoded_items) {
  size_t len = 0;
  for (const auto& i : encoded_items) len += i.size();
  Bytes out = header(len, 0xc0);
  for (const auto& i : encoded_items) out.insert(out.end(), i.begin(), i.end());
  return out;
}

Bytes encode_list(std::initializer_list<Bytes> encoded_items) {
  return encode_list(std::span<const Bytes>(encoded_items.begin(), encoded_items.size()));
}

}  // namespace relay::evm::rlp
