#include "vault/sha256.h"

#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

namespace relay {

namespace {
// Fetched once: EVP_sha256() would make every EVP_DigestInit_ex look the provider up again.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("OpenSSL: SHA256 not available");
  return md;
}
EVP_MD_CTX* ctx_of(void* p) { return static_cast<EVP_MD_CTX*>(p); }
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex2(ctx_of(ctx_), sha256_md(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: cannot initialise SHA-256");
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_of(ctx_)); }

void Sha256::flush() {
  if (n_) EVP_DigestUpdate(ctx_of(ctx_), buf_, n_);
  n_ = 0;
}

Sha256& Sha256::update(std::span<const uint8_t> data) {
  if (data.empty()) return *this;
  if (data.size() > kBuffer - n_) {
    flush();
    if (data.size() >= kBuffer) {  // large input: straight through
      EVP_DigestUpdate(ctx_of(ctx_), data.data(), data.size());
      return *this;
    }
  }
  std::memcpy(buf_ + n_, data.data(), data.size());
  n_ += data.size();
  return *this;
}

Sha256& Sha256::update(std::string_view data) {
  return update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

Sha256& Sha256::update_u8(uint8_t v) { return update(std::span<const uint8_t>(&v, 1)); }

Sha256& Sha256::update_be32(uint32_t v) {
  uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  return update(std::span<const uint8_t>(b, 4));
}

Sha256& Sha256::update_be64(uint64_t v) {
  uint8_t b[8];
  for (int i = 7; i >= 0; --i, v >>= 8) b[i] = uint8_t(v);
  return update(std::span<const uint8_t>(b, 8));
}

Hash32 Sha256::finish() {
  Hash32 out;
  unsigned len = 0;
  flush();
  EVP_DigestFinal_ex(ctx_of(ctx_), out.bytes.data(), &len);
  EVP_DigestInit_ex2(ctx_of(ctx_), nullptr, nullptr);  // same algorithm, fresh state
  return out;
}

Hash32 sha256(std::span<const uint8_t> data) {
  Sha256 h;
  h.update(data);
  return h.finish();
}

}  // namespace relay
