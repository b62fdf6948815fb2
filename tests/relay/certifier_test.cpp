// relay/certifier.h with real secp256k1 keys (tests/proofs/certificate_fixture.h: four
// validators of weight 1, quorum 3; this node is v1): the certificate forms at quorum with its
// signatures in ascending signer address order and is stored; duplicates count once; what is
// not a validator's signature for that hash is refused; a valid signature or certificate for
// another hash is stored as evidence and halts signing; signatures and certificates that come
// before the node's own commitment are held (bounded) and judged when it comes.
#include "relay/certifier.h"

#include <gtest/gtest.h>

#include "proofs/signature.h"
#include "relay/node_keys.h"
#include "relay/sign_record.h"
#include "tests/proofs/certificate_fixture.h"

namespace relay::node {
namespace {

using test::fixed_key;

class CertifierTest : public ::testing::Test {
 protected:
  void SetUp() override { certifier_ = open(); }
  std::unique_ptr<Certifier> open(Certifier::Limits limits = {}) {
    auto c = Certifier::open(genesis_, secp_, *store_, limits);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }
  Signature sig(uint8_t key, const EpochCommitment& c) {
    return *sign_commitment(secp_, fixed_key(key), genesis_.network_id, commitment_hash(c));
  }
  Address address(uint8_t key) { return *evm_address(test::fixed_pubkey(key)); }
  size_t evidence_records() {
    size_t n = 0;
    EXPECT_TRUE(store_->scan(keys::kEvidence,
                             [&](std::string_view, std::string_view) { return ++n, true; }));
    return n;
  }
  // The same epoch, another commitment (another liabilities root).
  EpochCommitment other_of(const EpochCommitment& c) {
    EpochCommitment o = c;
    o.liabilities_roots[0] = test::hash_of_byte(0x99);
    return o;
  }

  Genesis genesis_ = test::four_validators("certifier-test");
  Secp256k1 secp_;
  std::unique_ptr<storage::KvStore> store_ = storage::make_memory_store();
  std::unique_ptr<Certifier> certifier_;
  EpochCommitment c7_ = test::sample_commitment(genesis_, 7);
  Hash32 h7_ = commitment_hash(c7_);
};

TEST_F(CertifierTest, FormsTheCertificateAtQuorumInAscendingSignerAddressOrder) {
  auto own = certifier_->set_own(c7_, sig(1, c7_));
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].verdict, Verdict::kCounted) << own[0].message;
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(4, c7_).bytes).verdict, Verdict::kCounted);
  Outcome done = certifier_->add_signature(7, h7_, sig(3, c7_).bytes);
  ASSERT_EQ(done.verdict, Verdict::kCertified) << done.message;
  ASSERT_TRUE(done.certificate);
  const Certificate& cert = *done.certificate;
  ASSERT_EQ(cert.signatures.size(), 3u);
  std::vector<Address> signers;
  for (const auto& s : cert.signatures) {
    auto pk = recover_signer(secp_, s, genesis_.network_id, h7_);
    ASSERT_TRUE(pk);
    signers.push_back(*evm_address(*pk));
  }
  EXPECT_TRUE(std::is_sorted(signers.begin(), signers.end(),
                             [](const Address& a, const Address& b) { return a.bytes < b.bytes; }));
  EXPECT_EQ(std::set<Address>(signers.begin(), signers.end()),
            (std::set<Address>{address(1), address(3), address(4)}));
  auto v = verify_certificate(cert, genesis_);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->commitment_hash, h7_);
  // Stored, and found again by a certifier reopened over the store.
  auto stored = open()->certificate(7);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->signatures, cert.signatures);
  EXPECT_EQ((*stored)->commitment, c7_);
  EXPECT_EQ(open()->highest_certified(), 7u);
  // Later signatures for the same hash change nothing.
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(2, c7_).bytes).verdict,
            Verdict::kAlreadyCertified);
}

TEST_F(CertifierTest, ASignatureCountsOnceAndOnlyAValidatorsForThatHashCounts) {
  certifier_->set_own(c7_, sig(1, c7_));
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(2, c7_).bytes).verdict, Verdict::kCounted);
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(2, c7_).bytes).verdict, Verdict::kDuplicate);
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(1, c7_).bytes).verdict, Verdict::kDuplicate);
  Outcome stranger = certifier_->add_signature(7, h7_, sig(9, c7_).bytes);
  EXPECT_EQ(stranger.verdict, Verdict::kRejected);
  EXPECT_NE(stranger.message.find("not a genesis validator"), std::string::npos)
      << stranger.message;
  // v3's signature over another network's domain recovers to an unrelated key.
  auto foreign = sign_commitment(secp_, fixed_key(3), test::hash_of_byte(0x01), h7_);
  EXPECT_EQ(certifier_->add_signature(7, h7_, foreign->bytes).verdict, Verdict::kRejected);
  // A signature presented for a hash it was not made over, likewise.
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(3, other_of(c7_)).bytes).verdict,
            Verdict::kRejected);
  std::vector<uint8_t> short_sig(64, 1);
  EXPECT_EQ(certifier_->add_signature(7, h7_, short_sig).verdict, Verdict::kRejected);
  EXPECT_FALSE(open()->certificate(7).value()) << "two validators are below quorum";
  EXPECT_EQ(evidence_records(), 0u);
}

TEST_F(CertifierTest, AValidSignatureForAnotherHashIsEvidenceAndHaltsSigning) {
  certifier_->set_own(c7_, sig(1, c7_));
  const EpochCommitment other = other_of(c7_);
  Outcome o = certifier_->add_signature(7, commitment_hash(other), sig(2, other).bytes);
  ASSERT_EQ(o.verdict, Verdict::kEquivocation);
  EXPECT_NE(o.message.find(commitment_hash(other).hex()), std::string::npos) << o.message;
  EXPECT_NE(o.message.find(h7_.hex()), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("v2"), std::string::npos);
  EXPECT_TRUE(certifier_->halted());
  auto rec = store_->get(keys::evidence_key(7, address(2)));
  ASSERT_TRUE(rec && *rec);
  EXPECT_EQ((*rec)->size(), 1u + 32 + 32 + 65);
  EXPECT_TRUE(open()->halted()) << "halted across restarts";
  Signer signer(*store_, secp_, fixed_key(1), genesis_.network_id);
  auto s = signer.sign_once(8, test::hash_of_byte(8));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, SignRefusal::kHalted);
}

TEST_F(CertifierTest, ACertificateForAnotherHashIsEvidenceAgainstEachSigner) {
  certifier_->set_own(c7_, sig(1, c7_));
  const EpochCommitment other = other_of(c7_);
  Certificate cert{other, {}};
  for (uint8_t k : {2, 3, 4}) ASSERT_TRUE(add_signature(cert, secp_, fixed_key(k)));
  Outcome o = certifier_->add_certificate(cert);
  ASSERT_EQ(o.verdict, Verdict::kEquivocation) << o.message;
  EXPECT_EQ(evidence_records(), 3u);
  EXPECT_TRUE(certifier_->halted());
  EXPECT_FALSE(certifier_->certificate(7).value()) << "another hash's certificate is not ours";
}

TEST_F(CertifierTest, APeersCertificateForOurHashCertifiesTheEpoch) {
  certifier_->set_own(c7_, sig(1, c7_));
  Certificate cert{c7_, {}};
  for (uint8_t k : {2, 3, 4}) ASSERT_TRUE(add_signature(cert, secp_, fixed_key(k)));
  Outcome o = certifier_->add_certificate(cert);
  ASSERT_EQ(o.verdict, Verdict::kCertified) << o.message;
  EXPECT_EQ(certifier_->certificate(7).value()->signatures, cert.signatures);
  Certificate weak{c7_, {}};
  ASSERT_TRUE(add_signature(weak, secp_, fixed_key(2)));
  EXPECT_EQ(certifier_->add_certificate(weak).verdict, Verdict::kRejected) << "below quorum";
}

TEST_F(CertifierTest, WhatComesBeforeTheOwnCommitmentIsHeldAndJudgedWhenItComes) {
  const EpochCommitment other = other_of(c7_);
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(2, c7_).bytes).verdict, Verdict::kHeld);
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(2, c7_).bytes).verdict, Verdict::kDuplicate);
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(3, c7_).bytes).verdict, Verdict::kHeld);
  EXPECT_EQ(certifier_->add_signature(7, commitment_hash(other), sig(4, other).bytes).verdict,
            Verdict::kHeld);
  EXPECT_EQ(certifier_->add_signature(7, h7_, sig(9, c7_).bytes).verdict, Verdict::kRejected)
      << "only a validator's signature is held";
  EXPECT_EQ(certifier_->held(), 3u);
  auto outcomes = certifier_->set_own(c7_, sig(1, c7_));
  EXPECT_EQ(certifier_->held(), 0u);
  std::vector<Verdict> verdicts;
  for (const auto& o : outcomes) verdicts.push_back(o.verdict);
  EXPECT_EQ(verdicts, (std::vector<Verdict>{Verdict::kCounted, Verdict::kCounted,
                                            Verdict::kCertified, Verdict::kEquivocation}));
  EXPECT_TRUE(certifier_->certificate(7).value());
  EXPECT_TRUE(certifier_->halted());
}

TEST_F(CertifierTest, HeldSignaturesAreBounded) {
  certifier_ = open(Certifier::Limits{.max_held = 2});
  for (uint8_t k : {2, 3})
    EXPECT_EQ(certifier_->add_signature(7, h7_, sig(k, c7_).bytes).verdict, Verdict::kHeld);
  Outcome third = certifier_->add_signature(7, h7_, sig(4, c7_).bytes);
  EXPECT_EQ(third.verdict, Verdict::kRejected);
  EXPECT_NE(third.message.find("bound"), std::string::npos);
  EXPECT_EQ(certifier_->held(), 2u);
}

TEST_F(CertifierTest, AValidatorWithTheQuorumAloneCertifiesItsOwnCommitment) {
  genesis_ = test::parse_or_throw(test::genesis_text("solo", {1}, {1}, 1));
  certifier_ = open();
  EpochCommitment c = test::sample_commitment(genesis_, 0);
  auto outcomes = certifier_->set_own(c, sig(1, c));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].verdict, Verdict::kCertified);
  EXPECT_EQ(certifier_->highest_certified(), 0u);
}

}  // namespace
}  // namespace relay::node
