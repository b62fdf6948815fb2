// Sha256: incremental SHA-256 (OpenSSL behind this seam; no OpenSSL header leaks out).
// The algorithm is fetched once per process and each hasher reuses its own context, so the
// hot paths (Merkle nodes, digests) do not pay OpenSSL 3's per-call fetch. A hasher is not
// thread-safe; use one per thread.
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
  void* ctx_;  // EVP_MD_CTX*
};

/// One-shot SHA-256 of a byte string.
Hash32 sha256(std::span<const uint8_t> data);

}  // namespace relay
