// event_identity() against the encoding of docs/state.md ("Event identity"), written out here
// field by field: every event type, with and without a tx hash, and fields longer than the
// hasher's internal buffer. (tests/canonical_state/determinism_test.cpp pins the bytes.)
#include <gtest/gtest.h>

#include <string>

#include "vault/event.h"
#include "vault/sha256.h"

namespace relay {
namespace {

void str(Sha256& h, const std::string& s) {
  h.update_be32(uint32_t(s.size()));
  h.update(s);
}

// docs/state.md, one update per field.
Hash32 reference(const Event& e) {
  Sha256 h;
  h.update("relay.event.v1");
  h.update_u8(uint8_t(e.type));
  str(h, e.chain);
  h.update_be64(e.pos.block);
  h.update_be32(e.pos.log_index);
  h.update_u8(e.tx ? 1 : 0);
  if (e.tx) h.update(e.tx->span());
  switch (e.type) {
    case EventType::deposit:
      h.update(e.token.span());
      h.update(e.account.span());
      str(h, e.amount);
      break;
    case EventType::withdrawal_request:
      h.update(e.account.span());
      str(h, e.asset);
      str(h, e.amount);
      str(h, e.dest_chain);
      h.update(e.recipient.span());
      break;
    case EventType::withdrawal_claimed:
      h.update(e.withdrawal_id.span());
      break;
  }
  return h.finish();
}

Event base(EventType t) {
  Event e;
  e.type = t;
  e.chain = "alpha";
  e.pos = {0x0102030405060708ULL, 0x0a0b0c0d};
  e.token = *Address::from_hex("0x00000000000000000000000000000000000000aa");
  e.account.bytes[31] = 7;
  e.amount = "123456789";
  e.asset = "USDC";
  e.dest_chain = "beta";
  e.recipient.bytes[0] = 0xee;
  e.withdrawal_id.bytes[5] = 0x42;
  return e;
}

TEST(EventIdentity, MatchesTheDocumentedEncodingForEveryType) {
  Sha256 h;
  for (auto t : {EventType::deposit, EventType::withdrawal_request,
                 EventType::withdrawal_claimed}) {
    Event e = base(t);
    EXPECT_EQ(event_identity(e, h), reference(e)) << to_string(t);
    e.tx = TxHash();
    e.tx->bytes[31] = 1;
    EXPECT_EQ(event_identity(e, h), reference(e)) << to_string(t) << " with tx";
  }
}

TEST(EventIdentity, LongFieldsHashLikeShortOnes) {
  Sha256 h;
  Event e = base(EventType::withdrawal_request);
  e.chain = std::string(300, 'c');        // longer than the whole buffer
  e.asset = std::string(200, 'a');        // fits alone, not after what came before
  e.amount = std::string(77, '9');
  e.dest_chain = std::string(1000, 'd');
  EXPECT_EQ(event_identity(e, h), reference(e));
  Event d = base(EventType::deposit);
  d.amount = std::string(255, '1');
  EXPECT_EQ(event_identity(d, h), reference(d));
}

TEST(EventIdentity, DiffersWhenAnyFieldDiffersAndReusesTheHasher) {
  Sha256 h;
  const Event a = base(EventType::deposit);
  const Hash32 first = event_identity(a, h);
  EXPECT_EQ(event_identity(a, h), first);  // the hasher was left reset
  Event b = a;
  b.amount = "123456780";
  EXPECT_NE(event_identity(b, h), first);
  b = a;
  b.pos.log_index += 1;
  EXPECT_NE(event_identity(b, h), first);
  b = a;
  b.chain = "alphb";
  EXPECT_NE(event_identity(b, h), first);
}

}  // namespace
}  // namespace relay
