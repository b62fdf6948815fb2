#include "vault/event.h"

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
// Length-prefixed, so no two different field lists encode alike.
void put_str(Sha256& h, const std::string& s) {
  h.update_be32(static_cast<uint32_t>(s.size()));
  h.update(s);
}
}  // namespace

Hash32 event_identity(const Event& e, Sha256& h) {
  h.update("relay.event.v1");
  h.update_u8(static_cast<uint8_t>(e.type));
  put_str(h, e.chain);
  h.update_be64(e.pos.block);
  h.update_be32(e.pos.log_index);
  h.update_u8(e.tx ? 1 : 0);
  if (e.tx) h.update(e.tx->span());
  switch (e.type) {
    case EventType::deposit:
      h.update(e.token.span());
      h.update(e.account.span());
      put_str(h, e.amount);
      break;
    case EventType::withdrawal_request:
      h.update(e.account.span());
      put_str(h, e.asset);
      put_str(h, e.amount);
      put_str(h, e.dest_chain);
      h.update(e.recipient.span());
      break;
    case EventType::withdrawal_claimed:
      h.update(e.withdrawal_id.span());
      break;
  }
  return h.finish();
}

}  // namespace relay
