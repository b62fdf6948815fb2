// relay/sign_record.h, one process: the first signature of an epoch is recorded before it is
// returned; the same hash again returns the stored signature (not a new one); another hash for
// a signed epoch is refused naming both; a failed write returns nothing to send; evidence of
// equivocation halts signing. (sign_once_crash_test.cpp kills a real process in between.)
#include "relay/sign_record.h"

#include <gtest/gtest.h>

#include "proofs/signature.h"
#include "relay/node_keys.h"
#include "tests/proofs/certificate_fixture.h"

namespace relay::node {
namespace {

using test::fixed_key;
using test::hash_of_byte;

// Writes fail while `fail_writes` is set.
class FailingWritesStore final : public storage::KvStore {
 public:
  std::unique_ptr<storage::KvStore> inner = storage::make_memory_store();
  bool fail_writes = false;
  Result<std::optional<std::string>> get(std::string_view k) const override {
    return inner->get(k);
  }
  Result<std::optional<Entry>> ceiling(std::string_view p, std::string_view k) const override {
    return inner->ceiling(p, k);
  }
  Result<void> scan(
      std::string_view p,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner->scan(p, fn);
  }
  Result<void> write(const storage::WriteBatch& b, bool sync) override {
    if (fail_writes) return fail("disk full");
    return inner->write(b, sync);
  }
};

class SignRecordTest : public ::testing::Test {
 protected:
  Secp256k1 secp_;
  Hash32 network_ = hash_of_byte(0xAB);
  FailingWritesStore store_;
  Signer signer_{store_, secp_, fixed_key(1), network_};
};

TEST_F(SignRecordTest, TheFirstSignatureIsRecordedBeforeItIsReturned) {
  const Hash32 h = hash_of_byte(1);
  auto s = signer_.sign_once(5, h);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->fresh);
  EXPECT_EQ(s->record.epoch, 5u);
  EXPECT_EQ(s->record.commitment_hash, h);
  auto signer = recover_signer(secp_, s->record.signature.bytes, network_, h);
  ASSERT_TRUE(signer);
  EXPECT_EQ(*signer, test::fixed_pubkey(1));
  auto stored = store_.get(keys::sign_record_key(5));
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->size(), 97u);
  auto rec = signer_.record(5);
  ASSERT_TRUE(rec && *rec);
  EXPECT_EQ(**rec, s->record);
}

TEST_F(SignRecordTest, TheSameHashAgainReturnsTheStoredSignatureNotANewOne) {
  const Hash32 h = hash_of_byte(1);
  auto first = signer_.sign_once(5, h);
  ASSERT_TRUE(first);
  // A signer with another key over the same records: what it returns can only be the record.
  Signer other(store_, secp_, fixed_key(2), network_);
  auto again = other.sign_once(5, h);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->fresh);
  EXPECT_EQ(again->record.signature, first->record.signature);
}

TEST_F(SignRecordTest, AnotherHashForASignedEpochIsRefusedNamingBoth) {
  ASSERT_TRUE(signer_.sign_once(5, hash_of_byte(1)));
  auto r = signer_.sign_once(5, hash_of_byte(2));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, SignRefusal::kOtherHashSigned);
  EXPECT_NE(r.error().message.find(hash_of_byte(1).hex()), std::string::npos);
  EXPECT_NE(r.error().message.find(hash_of_byte(2).hex()), std::string::npos);
  EXPECT_EQ((*signer_.record(5))->commitment_hash, hash_of_byte(1)) << "the record is unchanged";
  EXPECT_TRUE(signer_.sign_once(6, hash_of_byte(2))) << "another epoch is signed as usual";
}

TEST_F(SignRecordTest, AFailedWriteGivesNothingToSend) {
  store_.fail_writes = true;
  auto r = signer_.sign_once(5, hash_of_byte(1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, SignRefusal::kStorage);
  EXPECT_NE(r.error().message.find("nothing was sent"), std::string::npos);
  store_.fail_writes = false;
  EXPECT_FALSE(*signer_.record(5));
  auto later = signer_.sign_once(5, hash_of_byte(2));
  EXPECT_TRUE(later && later->fresh) << "nothing left the node: the epoch is still unsigned";
}

TEST_F(SignRecordTest, StoredEvidenceHaltsSigningButNotResending) {
  ASSERT_TRUE(signer_.sign_once(5, hash_of_byte(1)));
  storage::WriteBatch wb;
  wb.put(keys::evidence_key(5, Address{}), "x");
  ASSERT_TRUE(store_.write(wb, true));
  EXPECT_TRUE(*signer_.halted());
  auto r = signer_.sign_once(6, hash_of_byte(3));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, SignRefusal::kHalted);
  EXPECT_TRUE(signer_.sign_once(5, hash_of_byte(1)))
      << "a signature already sent may be sent again";
}

TEST_F(SignRecordTest, RecordsFromAnEpochComeInEpochOrderAndADamagedOneIsAnError) {
  for (uint64_t e : {7, 3, 300, 5}) ASSERT_TRUE(signer_.sign_once(e, hash_of_byte(uint8_t(e))));
  auto recs = signer_.records_from(5);
  ASSERT_TRUE(recs);
  std::vector<uint64_t> epochs;
  for (const auto& r : *recs) epochs.push_back(r.epoch);
  EXPECT_EQ(epochs, (std::vector<uint64_t>{5, 7, 300}));
  storage::WriteBatch wb;
  wb.put(keys::sign_record_key(8), "short");
  ASSERT_TRUE(store_.write(wb, true));
  auto bad = signer_.sign_once(8, hash_of_byte(8));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, SignRefusal::kMalformedRecord);
}

}  // namespace
}  // namespace relay::node
