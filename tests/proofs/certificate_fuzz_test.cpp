// Mutation fuzzing of the certificate decoder and verifier: random byte edits of a valid
// certificate file and random bit flips in its signatures never crash, and never verify unless
// they decode to the very same commitment and signatures.
#include <gtest/gtest.h>

#include <random>

#include "certificate_fixture.h"
#include "proofs/certificate.h"
#include "proofs/certificate_json.h"

namespace relay {
namespace {

class CertificateFuzz : public ::testing::Test {
 protected:
  Secp256k1 secp;
  Genesis genesis = test::four_validators();
  Certificate cert = [this] {
    Certificate c;
    c.commitment = test::sample_commitment(genesis);
    for (uint8_t k : {1, 2, 3}) EXPECT_TRUE(add_signature(c, secp, test::fixed_key(k)));
    return c;
  }();
};

TEST_F(CertificateFuzz, MutatedFilesNeverVerifyUnlessEquivalent) {
  const std::string good = certificate_to_json(cert);
  std::mt19937_64 rng(20261123);
  const char kAlphabet[] = "0123456789abcdefABCDEF{}[]\":, x-.e";
  int parsed = 0, verified = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = good;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t pos = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[pos] = kAlphabet[rng() % (sizeof kAlphabet - 1)];
          break;
        case 1:
          text.erase(pos, 1);
          break;
        case 2:
          text.insert(pos, 1, kAlphabet[rng() % (sizeof kAlphabet - 1)]);
          break;
        case 3:
          text.resize(pos);
          break;
      }
    }
    auto c = certificate_from_json(text);
    if (!c) continue;
    ++parsed;
    auto v = verify_certificate(*c, genesis, secp);
    if (!v) continue;
    ++verified;
    EXPECT_EQ(c->commitment, cert.commitment) << text;
    EXPECT_EQ(c->signatures, cert.signatures) << text;
  }
  EXPECT_GT(parsed, 0);  // some mutations (whitespace, hex case) keep the file readable
  RecordProperty("parsed", parsed);
  RecordProperty("verified", verified);
}

TEST_F(CertificateFuzz, FlippedSignatureBitsNeverVerify) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 2000; ++iter) {
    Certificate c = cert;
    auto& sig = c.signatures[rng() % c.signatures.size()];
    const size_t bit = rng() % (sig.size() * 8);
    sig[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto v = verify_certificate(c, genesis, secp);
    ASSERT_FALSE(v) << "bit " << bit;
  }
}

}  // namespace
}  // namespace relay
