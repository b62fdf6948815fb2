// Withdrawals on disk (docs/state.md, "Storage layout"): an epoch's requests in chunks under
// S/w/ (256 records each, in request order) and its claims in chunks under S/k/; a reopened
// folder has every request and every claim back; damaged chunks are refused by name.
#include <gtest/gtest.h>

#include <functional>

#include "canonical_state/canonical_state.h"
#include "canonical_state/codec.h"
#include "storage/kv_store.h"
#include "tests/support/fixture.h"
#include "tests/support/temp_dir.h"

namespace relay {
namespace {

using namespace test;

constexpr uint32_t kRequests = 300;  // two chunks: 256 + 44

WithdrawalId id_of(const Genesis& g, const Event& request) {
  return withdrawal_id(g.chains[*g.chain_index(request.chain)].chain_id, request.pos);
}

// Epoch 0 funds the accounts, epoch 1 requests kRequests withdrawals, epoch 2 claims three of
// them, epoch 3 one more.
class WithdrawalLog : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Event> funding, requests;
    for (uint32_t i = 0; i < kRequests; ++i) {
      funding.push_back(deposit("alpha", 1, i, kUsdcAlpha, account(uint8_t(i)), "1000"));
      requests.push_back(withdraw("alpha", 2, i, account(uint8_t(i)), "USDC", "1", "alpha"));
      ids_.push_back(id_of(g_, requests.back()));
    }
    const std::vector<std::vector<Event>> batches = {
        funding,
        requests,
        {claim("alpha", 3, 0, ids_[7]), claim("alpha", 3, 1, ids_[0]), claim("alpha", 3, 2, ids_[299])},
        {claim("alpha", 4, 0, ids_[100])}};
    store_ = *storage::open_leveldb(dir_.path());
    auto cs = *CanonicalState::open(g_, *store_);
    for (const auto& b : batches) {
      auto s = cs->apply_batch(b);
      ASSERT_TRUE(s) << s.error().message;
      ASSERT_EQ(s->rejected_total(), 0u);
    }
    digest_ = cs->state_digest();
  }
  std::optional<std::string> get(const std::string& key) { return *store_->get(key); }
  void change(const std::function<void(storage::WriteBatch&)>& fn) {
    storage::WriteBatch wb;
    fn(wb);
    ASSERT_TRUE(store_->write(wb, true));
  }
  // The error of opening the folder as it now is ("" if it opens).
  std::string open_error() {
    auto cs = CanonicalState::open(g_, *store_);
    return cs ? "" : cs.error().message;
  }
  static std::string ids(std::initializer_list<WithdrawalId> list) {
    std::string s;
    for (const auto& id : list) codec::put_bytes(s, id);
    return s;
  }

  const Genesis g_ = test_genesis();
  TempDir dir_;
  std::unique_ptr<storage::KvStore> store_;
  std::vector<WithdrawalId> ids_;
  Hash32 digest_;
};

TEST_F(WithdrawalLog, AnEpochsRequestsAreChunksInRequestOrderAndItsClaimsAChunkOfIds) {
  using codec::epoch_chunk_key, codec::kWithdrawal, codec::kClaim, codec::kWithdrawalRecordSize;
  const auto first = get(epoch_chunk_key(kWithdrawal, 1, 0));
  const auto second = get(epoch_chunk_key(kWithdrawal, 1, 1));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(get(epoch_chunk_key(kWithdrawal, 1, 2)));
  EXPECT_FALSE(get(epoch_chunk_key(kWithdrawal, 2, 0)));  // epoch 2 requested nothing
  ASSERT_EQ(first->size(), 256 * kWithdrawalRecordSize);
  ASSERT_EQ(second->size(), 44 * kWithdrawalRecordSize);
  for (uint32_t i = 0; i < kRequests; ++i) {
    const std::string& chunk = i < 256 ? *first : *second;
    const size_t at = (i % 256) * kWithdrawalRecordSize;
    EXPECT_EQ(codec::Reader(std::string_view(chunk).substr(at, 32)).bytes<WithdrawalId>(), ids_[i]);
  }
  EXPECT_EQ(get(epoch_chunk_key(kClaim, 2, 0)), ids({ids_[7], ids_[0], ids_[299]}));
  EXPECT_EQ(get(epoch_chunk_key(kClaim, 3, 0)), ids({ids_[100]}));
  EXPECT_FALSE(get(epoch_chunk_key(kClaim, 1, 0)));
}

TEST_F(WithdrawalLog, AReopenedFolderHasEveryRequestAndEveryClaim) {
  auto cs = *CanonicalState::open(g_, *store_);
  EXPECT_EQ(cs->state_digest(), digest_);
  for (uint32_t i = 0; i < kRequests; ++i) {
    const WithdrawalRecord* w = cs->vault().withdrawal(ids_[i]);
    ASSERT_TRUE(w) << i;
    EXPECT_EQ(w->epoch, 1u);
    EXPECT_EQ(w->account, account(uint8_t(i)));
    EXPECT_EQ(w->origin, (EventPosition{2, i}));
    EXPECT_EQ(w->claimed, i == 0 || i == 7 || i == 100 || i == 299) << i;
  }
  // And a claim after the reopen is told apart from one before it.
  auto s = cs->apply_batch(std::vector<Event>{claim("alpha", 5, 0, ids_[0]), claim("alpha", 5, 1, ids_[1])});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->rejected[size_t(Reason::already_claimed)], 1u);
  EXPECT_EQ(s->applied, 1u);
}

TEST_F(WithdrawalLog, RefusesAClaimOfAnUnknownWithdrawal) {
  WithdrawalId unknown = ids_[5];
  unknown.bytes[0] ^= 1;
  change([&](storage::WriteBatch& wb) { wb.put(codec::epoch_chunk_key(codec::kClaim, 3, 1), ids({unknown})); });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal claim record");
}

TEST_F(WithdrawalLog, RefusesAWithdrawalClaimedTwice) {
  change([&](storage::WriteBatch& wb) { wb.put(codec::epoch_chunk_key(codec::kClaim, 3, 0), ids({ids_[100], ids_[7]})); });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal claim record");
}

TEST_F(WithdrawalLog, RefusesAClaimInTheEpochOfTheRequest) {
  change([&](storage::WriteBatch& wb) { wb.put(codec::epoch_chunk_key(codec::kClaim, 1, 0), ids({ids_[1]})); });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal claim record");
}

TEST_F(WithdrawalLog, RefusesAClaimChunkWithoutTheOnesBeforeIt) {
  change([&](storage::WriteBatch& wb) {
    wb.del(codec::epoch_chunk_key(codec::kClaim, 3, 0));
    wb.put(codec::epoch_chunk_key(codec::kClaim, 3, 1), ids({ids_[100]}));
  });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal claim record");
}

TEST_F(WithdrawalLog, RefusesAClaimChunkOfAPartId) {
  change([&](storage::WriteBatch& wb) {
    wb.put(codec::epoch_chunk_key(codec::kClaim, 3, 0), ids({ids_[100]}).substr(0, 31));
  });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal claim record");
}

TEST_F(WithdrawalLog, ALostClaimBreaksTheInvariantsInsteadOfReopeningUnclaimed) {
  change([&](storage::WriteBatch& wb) { wb.del(codec::epoch_chunk_key(codec::kClaim, 3, 0)); });
  const std::string e = open_error();
  EXPECT_NE(e.find("data folder breaks an invariant"), std::string::npos) << e;
}

TEST_F(WithdrawalLog, RefusesARequestChunkWithAPartRecord) {
  const std::string chunk = *get(codec::epoch_chunk_key(codec::kWithdrawal, 1, 1));
  change([&](storage::WriteBatch& wb) {
    wb.put(codec::epoch_chunk_key(codec::kWithdrawal, 1, 1), chunk.substr(0, chunk.size() - 1));
  });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal record");
}

TEST_F(WithdrawalLog, RefusesARequestStoredTwice) {
  const std::string chunk = *get(codec::epoch_chunk_key(codec::kWithdrawal, 1, 1));
  change([&](storage::WriteBatch& wb) {
    wb.put(codec::epoch_chunk_key(codec::kWithdrawal, 2, 0), chunk.substr(0, codec::kWithdrawalRecordSize));
  });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal record");
}

TEST_F(WithdrawalLog, RefusesRequestsOfAnEpochNotYetCommitted) {
  const std::string chunk = *get(codec::epoch_chunk_key(codec::kWithdrawal, 1, 1));
  change([&](storage::WriteBatch& wb) {
    wb.del(codec::epoch_chunk_key(codec::kWithdrawal, 1, 1));
    wb.put(codec::epoch_chunk_key(codec::kWithdrawal, 4, 0), chunk);
  });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal record");
}

TEST_F(WithdrawalLog, RefusesARequestForAnUnknownAsset) {
  std::string chunk = *get(codec::epoch_chunk_key(codec::kWithdrawal, 1, 1));
  chunk[32 + 32 + 3] = 9;  // the first record's asset: be32 after the id and the account
  change([&](storage::WriteBatch& wb) { wb.put(codec::epoch_chunk_key(codec::kWithdrawal, 1, 1), chunk); });
  EXPECT_EQ(open_error(), "data folder is corrupt: bad withdrawal record");
}

}  // namespace
}  // namespace relay
