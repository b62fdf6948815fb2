// Sha256: incremental SHA-256 (OpenSSL behind this seam; no OpenSSL header leaks out).
// The algorithm is fetched once per process and each hasher reuses its own context, so the
// hot paths (Merkle nodes, digests) do not pay OpenSSL 3's per-call fetch. Small updates are
// gathered in the hasher and handed to OpenSSL together: hashes here are built field by field
// (an event's identity, a Merkle node, a list of identities), and one OpenSSL call per field
// cost more than hashing the field. A hasher is not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "vault/types.h"

namespace relay {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(std::span<const uint8_t> data);
  Sha256& update(std::string_view data);
  Sha256& update_u8(uint8_t v);
  Sha256& update_be32(uint32_t v);
  Sha256& update_be64(uint64_t v);
  /// Returns the digest and resets the hasher for the next message.
  Hash32 finish();

 private:
  void flush();
  void* ctx_;  // EVP_MD_CTX*
  static constexpr size_t kBuffer = 256;
  uint8_t buf_[kBuffer];
  size_t n_ = 0;  // bytes gathered in buf_, not yet given to OpenSSL
};

/// One-shot SHA-256 of a byte string.
Hash32 sha256(std::span<const uint8_t> data);

}  // namespace relay
