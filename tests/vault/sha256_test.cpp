// Sha256 gathers small updates before handing them to OpenSSL: whatever the pieces an input is
// fed in (single bytes, pieces that cross the internal buffer's end, pieces longer than it,
// empty ones), the digest is the FIPS 180-2 one. The hasher is reusable after finish().
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "vault/sha256.h"

namespace relay {
namespace {

// FIPS 180-2, appendix B.
const std::string kAbc = "abc";
const char* kAbcDigest = "0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const std::string kTwoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const char* kTwoBlocksDigest = "0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
const char* kMillionADigest = "0xcdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

// Feeds `s` in pieces of random sizes up to `max_piece` (0 included).
Hash32 in_pieces(Sha256& h, const std::string& s, size_t max_piece, uint64_t seed) {
  std::mt19937_64 rng(seed);
  size_t at = 0;
  while (at < s.size()) {
    const size_t n = std::min(s.size() - at, size_t(rng() % (max_piece + 1)));
    h.update(std::string_view(s).substr(at, n));
    at += n;
  }
  return h.finish();
}

TEST(Sha256, DigestDoesNotDependOnHowTheInputIsCut) {
  const std::string million(1'000'000, 'a');
  Sha256 h;  // one hasher for everything: finish() leaves it ready for the next message
  for (size_t max_piece : {1, 7, 64, 255, 256, 257, 1000, 100'000}) {
    SCOPED_TRACE("pieces up to " + std::to_string(max_piece));
    EXPECT_EQ(in_pieces(h, kAbc, max_piece, 1).hex(), kAbcDigest);
    EXPECT_EQ(in_pieces(h, kTwoBlocks, max_piece, 2).hex(), kTwoBlocksDigest);
    if (max_piece >= 64) {
      EXPECT_EQ(in_pieces(h, million, max_piece, 3).hex(), kMillionADigest);
    }
  }
  EXPECT_EQ(sha256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kAbc.data()), 3)).hex(),
            kAbcDigest);
}

TEST(Sha256, FixedWidthUpdatesAreBigEndianBytes) {
  Sha256 a, b;
  a.update_u8(0x61).update_be32(0x62636465).update_be64(0x666768696a6b6c6dULL);
  b.update("abcdefghijklm");
  EXPECT_EQ(a.finish(), b.finish());
}

}  // namespace
}  // namespace relay
