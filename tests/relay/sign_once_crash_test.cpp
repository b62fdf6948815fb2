// Sign once across a real crash (DESIGN.md "Sign once"): relay-sign-child signs an epoch over a
// real LevelDB folder and is SIGKILLed between the synced sign record and the send. Restarted,
// it never signs a second commitment for that epoch: another hash is refused, and the hash it
// recorded is answered with the stored signature. Killed before the record, nothing was sent
// and nothing binds it.
#include <gtest/gtest.h>
#include <signal.h>

#include "proofs/keys_file.h"
#include "proofs/signature.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/support/relayctl.h"

namespace relay {
namespace {

using testing::ProcessResult;
using testing::TempDir;

class SignOnceCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    genesis_text_ = test::genesis_text("sign-once-test", {1, 2, 3}, {1, 1, 1}, 2);
    genesis_ = testing::write(dir_, "genesis.json", genesis_text_);
    key_ = dir_ / "validator.key";
    ASSERT_TRUE(write_key_file(key_, *make_validator_key(test::fixed_key(1))));
  }
  ProcessResult sign(uint64_t epoch, const Hash32& h, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {RELAY_BIN_DIR "/relay-sign-child",
                                     "--genesis",
                                     genesis_,
                                     "--key",
                                     key_,
                                     "--data",
                                     dir_ / "data",
                                     "--epoch",
                                     std::to_string(epoch),
                                     "--hash",
                                     h.hex()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return testing::run_process(argv);
  }
  TempDir dir_;
  std::string genesis_text_, genesis_, key_;
};

TEST_F(SignOnceCrash, KilledBetweenRecordAndSendTheRestartedNodeNeverSignsAnotherHash) {
  const Hash32 a = test::hash_of_byte(0xA1), b = test::hash_of_byte(0xB2);
  ProcessResult killed = sign(5, a, {"--die-after-record"});
  ASSERT_EQ(killed.signal, SIGKILL) << killed.out << killed.err;
  EXPECT_EQ(killed.out, "") << "nothing was sent";

  ProcessResult other = sign(5, b);
  EXPECT_EQ(other.exit_code, 3) << other.out << other.err;
  EXPECT_NE(other.out.find("REFUSED other_hash_signed: epoch 5 was signed for commitment " +
                           a.hex() + "; refusing to sign " + b.hex()),
            std::string::npos)
      << other.out;

  ProcessResult same = sign(5, a);
  ASSERT_EQ(same.exit_code, 0) << same.err;
  ASSERT_TRUE(same.out.starts_with("SENT stored 0x")) << same.out;
  auto sig = Signature::from_hex(same.out.substr(12, 132));
  ASSERT_TRUE(sig);
  auto genesis = test::parse_or_throw(genesis_text_);
  Secp256k1 secp;
  auto signer = recover_signer(secp, sig->bytes, genesis.network_id, a);
  ASSERT_TRUE(signer);
  EXPECT_EQ(*signer, test::fixed_pubkey(1)) << "the stored signature is over the recorded hash";
}

TEST_F(SignOnceCrash, KilledBeforeTheRecordNothingWasSentAndNothingBinds) {
  const Hash32 a = test::hash_of_byte(0xA1), b = test::hash_of_byte(0xB2);
  ProcessResult killed = sign(5, a, {"--die-before-record"});
  ASSERT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(killed.out, "");
  ProcessResult fresh = sign(5, b);
  EXPECT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_TRUE(fresh.out.starts_with("SENT fresh ")) << fresh.out;
  ProcessResult again = sign(5, a);
  EXPECT_EQ(again.exit_code, 3) << again.out;
}

}  // namespace
}  // namespace relay
