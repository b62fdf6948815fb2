#include "vault/event.h"

#include <cstring>

#include "vault/sha256.h"

namespace relay {

const char* to_string(EventType t) {
  switch (t) {
    case EventType::deposit: return "deposit";
    case EventType::withdrawal_request: return "withdrawal_request";
    case EventType::withdrawal_claimed: return "withdrawal_claimed";
  }
  return "unknown";
}

namespace {
// Gathers the encoding in a stack buffer and hands it to the hasher in as few calls as
// possible: one OpenSSL update per field cost more than hashing an event's ~150 bytes.
class Preimage {
 public:
  explicit Preimage(Sha256& h) : h_(h) {}
  void bytes(const void* p, size_t n) {
    if (n > sizeof(buf_) - len_) {
      flush();
      if (n > sizeof(buf_)) {  // a field larger than the buffer goes straight through
        h_.update(std::span<const uint8_t>(static_cast<const uint8_t*>(p), n));
        return;
      }
    }
    std::memcpy(buf_ + len_, p, n);
    len_ += n;
  }
  void u8(uint8_t v) { bytes(&v, 1); }
  void be32(uint32_t v) {
    const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
    bytes(b, 4);
  }
  void be64(uint64_t v) {
    uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = uint8_t(v >> (56 - 8 * i));
    bytes(b, 8);
  }
  template <class Fixed>
  void fixed(const Fixed& f) {
    bytes(f.bytes.data(), f.bytes.size());
  }
  // Length-prefixed, so no two different field lists encode alike.
  void str(std::string_view s) {
    be32(static_cast<uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  Hash32 finish() {
    flush();
    return h_.finish();
  }

 private:
  void flush() {
    if (len_) h_.update(std::span<const uint8_t>(buf_, len_));
    len_ = 0;
  }
  Sha256& h_;
  uint8_t buf_[256];
  size_t len_ = 0;
};
}  // namespace

Hash32 event_identity(const Event& e, Sha256& h) {
  Preimage p(h);
  p.bytes("relay.event.v1", 14);
  p.u8(static_cast<uint8_t>(e.type));
  p.str(e.chain);
  p.be64(e.pos.block);
  p.be32(e.pos.log_index);
  p.u8(e.tx ? 1 : 0);
  if (e.tx) p.fixed(*e.tx);
  switch (e.type) {
    case EventType::deposit:
      p.fixed(e.token);
      p.fixed(e.account);
      p.str(e.amount);
      break;
    case EventType::withdrawal_request:
      p.fixed(e.account);
      p.str(e.asset);
      p.str(e.amount);
      p.str(e.dest_chain);
      p.fixed(e.recipient);
      break;
    case EventType::withdrawal_claimed:
      p.fixed(e.withdrawal_id);
      break;
  }
  return p.finish();
}

}  // namespace relay
