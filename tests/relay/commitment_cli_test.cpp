// relayctl commitment / withdrawal-proof / verify-withdrawal, and the commitment in relayctl
// replay's summary, as an operator, a claimer and a validator use them: the real binary in a
// subprocess over a real LevelDB folder. Commitments chain epoch to epoch and re-hash from their
// stored bytes; a withdrawal proof verifies against the commitment's root and is refused once
// tampered; a certificate signed by the devnet's test keys over a stored commitment passes
// verify-cert; specific errors for an unknown epoch or id and for folders without commitments.
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "canonical_state/canonical_state.h"
#include "proofs/certificate.h"
#include "proofs/certificate_json.h"
#include "proofs/commitment_json.h"
#include "proofs/keys.h"
#include "proofs/liabilities_trees.h"
#include "proofs/secp256k1.h"
#include "relay/data_folder.h"
#include "storage/kv_store.h"
#include "tests/support/relayctl.h"
#include "vault/genesis.h"
#include "vault/sha256.h"
#include "vault/vault.h"

namespace relay {
namespace {

using nlohmann::json;
using testing::ProcessResult;
using testing::TempDir;

const std::string kGenesis = RELAY_SOURCE_DIR "/deploy/devnet/genesis.json";
const std::string kUsdcAlpha = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
const std::string kAlice = "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const std::string kBob = "0x00000000000000000000000070997970c51812dc3a010c7d01dc720c6a3e7f75";

using testing::read_text;
using testing::relayctl;
using testing::write;
json parse_ok(const ProcessResult& r) { return testing::json_ok(r); }

std::string deposit(const std::string& chain, int block, int log, const std::string& token,
                    const std::string& account, const std::string& amount) {
  return json{{"type", "deposit"}, {"chain", chain},     {"block", block},  {"log_index", log},
              {"token", token},    {"account", account}, {"amount", amount}}
      .dump();
}

std::string withdraw(const std::string& chain, int block, int log, const std::string& account,
                     const std::string& asset, const std::string& amount, const std::string& dest) {
  return json{{"type", "withdrawal_request"},
              {"chain", chain},
              {"block", block},
              {"log_index", log},
              {"account", account},
              {"asset", asset},
              {"amount", amount},
              {"dest_chain", dest},
              {"recipient", "0x" + account.substr(26)}}
      .dump();
}

// Three epochs: three USDC withdrawals to alpha in epoch 0, one ETH withdrawal to beta in
// epoch 1, none in epoch 2.
std::string events() {
  const std::string eth = "0x0000000000000000000000000000000000000000";
  std::vector<std::string> ls = {
      deposit("alpha", 1, 0, eth, kAlice, "10000000000000000000"),
      deposit("alpha", 1, 1, kUsdcAlpha, kAlice, "5000000000"),
      deposit("alpha", 1, 2, kUsdcAlpha, kBob, "1000000000"),
      withdraw("alpha", 2, 0, kAlice, "USDC", "100000000", "alpha"),
      withdraw("alpha", 2, 1, kAlice, "USDC", "200000000", "alpha"),
      withdraw("alpha", 2, 2, kBob, "USDC", "300000000", "alpha"),
      R"({"type":"epoch"})",
      deposit("beta", 5, 0, eth, kBob, "3000000000000000000"),
      withdraw("beta", 5, 1, kBob, "ETH", "1000000000000000000", "beta"),
      R"({"type":"epoch"})",
      deposit("alpha", 3, 0, eth, kBob, "1"),
  };
  std::string s;
  for (const auto& l : ls) s += l + "\n";
  return s;
}

class CommitmentCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    summary_ =
        parse_ok(relayctl({"replay", "--genesis", kGenesis, "--events",
                           write(dir_, "events.jsonl", events()), "--data", data_, "--json"}));
  }
  json commitment(uint64_t epoch) {
    return parse_ok(
        relayctl({"commitment", "--data", data_, "--epoch", std::to_string(epoch), "--json"}));
  }
  // The commitment fields alone, as the certificate file holds them.
  static EpochCommitment fields(json j) {
    j.erase("hash");
    j.erase("encoding");
    auto c = commitment_from_json(j, "commitment");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }

  TempDir dir_;
  std::string data_;
  json summary_;
};

TEST_F(CommitmentCli, StoredCommitmentsChainAndRehashFromTheirEncoding) {
  Hash32 previous{};
  for (uint64_t e = 0; e < 3; ++e) {
    SCOPED_TRACE("epoch " + std::to_string(e));
    json j = commitment(e);
    EXPECT_EQ(j["epoch"], e);
    EXPECT_EQ(j["previous"], previous.hex());
    auto bytes = from_hex(j["encoding"].get<std::string>());
    ASSERT_TRUE(bytes);
    EXPECT_EQ(sha256(*bytes).hex(), j["hash"]) << "the hash is SHA-256 of the encoding";
    const EpochCommitment c = fields(j);
    EXPECT_EQ(commitment_hash(c).hex(), j["hash"]);
    EXPECT_EQ(encode_commitment(c), *bytes);
    previous = *Hash32::from_hex(j["hash"].get<std::string>());
  }
  // replay's summary carries the last epoch's commitment; its other fields are unchanged.
  json last = commitment(2);
  last.erase("encoding");
  EXPECT_EQ(summary_["commitment"], last);
  EXPECT_EQ(summary_["epochs"], 3);
  const json roots = summary_["commitment"]["liabilities_roots"];
  EXPECT_EQ(roots[0], summary_["liabilities_roots"]["ETH"]);
  EXPECT_EQ(roots[1], summary_["liabilities_roots"]["USDC"]);
  // replay has no chain data: end_time 0 and the empty cut (all zero) on every chain.
  const json& c = summary_["commitment"];
  const std::string zero = Hash32{}.hex();
  EXPECT_EQ(c["end_time"], 0);
  EXPECT_EQ(c["cut_heights"], json::parse("[0, 0]"));
  EXPECT_EQ(c["cut_hashes"], json::array({zero, zero}));
  EXPECT_EQ(c["cut_timestamps"], json::parse("[0, 0]"));
  EXPECT_EQ(c["event_counts"], json::parse("[0, 0]"));
  EXPECT_EQ(c["event_accumulators"], json::array({zero, zero}));
  // Pending withdrawals per (chain, asset), chain-major: per asset, custody over the chains =
  // the liabilities total + pending over the chains.
  ASSERT_EQ(c["pending"].size(), 4u);
  bool some_pending = false;
  for (size_t a = 0; a < 2; ++a) {
    Amount custody, owed = *Amount::from_decimal(c["liabilities_totals"][a].get<std::string>());
    for (size_t ch = 0; ch < 2; ++ch) {
      const Amount p = *Amount::from_decimal(c["pending"][ch * 2 + a].get<std::string>());
      some_pending |= !p.is_zero();
      const auto cu = Amount::from_decimal(c["custody"][ch * 2 + a].get<std::string>());
      custody = *custody.checked_add(*cu);
      owed = *owed.checked_add(p);
    }
    EXPECT_EQ(custody, owed) << "asset " << a;
  }
  EXPECT_TRUE(some_pending) << "the sample's withdrawals are pending: " << c.dump();

  // The text form names the hash and the fields.
  ProcessResult text = relayctl({"commitment", "--data", data_, "--epoch", "1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(commitment(1)["hash"].get<std::string>()), std::string::npos);
  EXPECT_NE(text.out.find("liabilities USDC"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("end time         0 (no chain data: the empty cuts)"), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("chain 0: empty cut"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("USDC: custody "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(", pending "), std::string::npos) << text.out;
}

TEST_F(CommitmentCli, WithdrawalProofVerifiesAgainstTheCommittedRootAndTamperingIsRefused) {
  const json c0 = commitment(0);
  const std::string root = c0["withdrawal_roots"][0];  // alpha
  const std::string id = withdrawal_id(ChainId{31337}, {2, 1}).hex();
  ProcessResult p =
      relayctl({"withdrawal-proof", "--data", data_, "--epoch", "0", "--id", id, "--json"});
  json proof = parse_ok(p);
  EXPECT_EQ(proof["root"], root);
  EXPECT_EQ(proof["count"], 3);
  EXPECT_EQ(proof["leaf"]["id"], id);
  EXPECT_EQ(proof["leaf"]["amount"], "200000000");
  EXPECT_EQ(proof["leaf"]["token"], kUsdcAlpha);
  EXPECT_EQ(proof["siblings"].size(), 2u);
  const std::string file = write(dir_, "proof.json", proof.dump());
  ProcessResult ok = relayctl({"verify-withdrawal", "--proof", file, "--root", root});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("proof holds"), std::string::npos) << ok.out;

  // The ETH withdrawal to beta in epoch 1: a one-leaf tree under beta's root.
  const std::string eth_id = withdrawal_id(ChainId{31338}, {5, 1}).hex();
  json single = parse_ok(
      relayctl({"withdrawal-proof", "--data", data_, "--epoch", "1", "--id", eth_id, "--json"}));
  EXPECT_EQ(single["root"], commitment(1)["withdrawal_roots"][1]);
  EXPECT_EQ(single["count"], 1);

  struct Tamper {
    std::string what, want;
    std::function<void(json&)> edit;
  };
  const std::vector<Tamper> tampers = {
      {"amount", "recomputed root differs", [](json& j) { j["leaf"]["amount"] = "200000001"; }},
      {"recipient", "recomputed root differs",
       [](json& j) { j["leaf"]["recipient"] = "0x70997970c51812dc3a010c7d01dc720c6a3e7f75"; }},
      {"sibling", "recomputed root differs",
       [](json& j) {
         std::string s = j["siblings"][0];
         s[5] = s[5] == '0' ? '1' : '0';
         j["siblings"][0] = s;
       }},
      {"index", "recomputed root differs",
       [](json& j) { j["index"] = (j["index"].get<int>() + 1) % 3; }},
      {"short path", "length", [](json& j) { j["siblings"].erase(1); }},
      {"index past count", "index out of range", [](json& j) { j["index"] = 3; }},
  };
  for (const Tamper& t : tampers) {
    json bad = proof;
    t.edit(bad);
    ProcessResult r = relayctl(
        {"verify-withdrawal", "--proof", write(dir_, "bad.json", bad.dump()), "--root", root});
    EXPECT_EQ(r.exit_code, 1) << t.what << "\n" << r.err;
    EXPECT_NE(r.err.find(t.want), std::string::npos) << t.what << "\n" << r.err;
  }
  // Held against another root (beta's), and a file that is not a proof.
  ProcessResult other = relayctl({"verify-withdrawal", "--proof", file, "--root",
                                  c0["withdrawal_roots"][1].get<std::string>()});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("not the --root"), std::string::npos) << other.err;
  json extra = proof;
  extra["chain"] = 0;
  ProcessResult malformed =
      relayctl({"verify-withdrawal", "--proof", write(dir_, "extra.json", extra.dump())});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("unknown field"), std::string::npos) << malformed.err;
  // A leaf with two amounts is refused, whichever one would hold.
  std::string twice = proof.dump();
  const std::string amount = R"("amount":"200000000")";
  ASSERT_NE(twice.find(amount), std::string::npos) << twice;
  twice.insert(twice.find(amount), R"("amount":"1",)");
  const std::string twice_file = write(dir_, "twice.json", twice);
  ProcessResult repeated = relayctl({"verify-withdrawal", "--proof", twice_file, "--root", root});
  EXPECT_EQ(repeated.exit_code, 2);
  EXPECT_NE(repeated.err.find(twice_file + ": leaf.amount: repeated key"), std::string::npos)
      << repeated.err;
}

TEST_F(CommitmentCli, CertificateSignedOverAStoredCommitmentPassesVerifyCert) {
  Certificate cert;
  cert.commitment = fields(commitment(2));
  Secp256k1 secp;
  for (uint8_t k : {1, 2, 3}) {  // the devnet validators' test keys (secret = k)
    std::array<uint8_t, 32> b{};
    b[31] = k;
    ASSERT_TRUE(add_signature(cert, secp, SecretKey(b)));
  }
  const std::string file = write(dir_, "cert.json", certificate_to_json(cert));
  json v = parse_ok(relayctl({"verify-cert", "--genesis", kGenesis, "--cert", file, "--json"}));
  EXPECT_EQ(v["valid"], true);
  EXPECT_EQ(v["epoch"], 2);
  EXPECT_EQ(v["commitment_hash"], commitment(2)["hash"]);

  cert.signatures.pop_back();  // two of four: below the devnet quorum of 3
  ProcessResult weak = relayctl({"verify-cert", "--genesis", kGenesis, "--cert",
                                 write(dir_, "weak.json", certificate_to_json(cert))});
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.err.find("insufficient weight"), std::string::npos) << weak.err;
}

TEST_F(CommitmentCli, UnknownEpochOrWithdrawalAndFoldersWithoutCommitmentsGetSpecificErrors) {
  ProcessResult late = relayctl({"commitment", "--data", data_, "--epoch", "3"});
  EXPECT_EQ(late.exit_code, 2);
  EXPECT_NE(late.err.find("epoch 3 has no commitment"), std::string::npos) << late.err;
  EXPECT_NE(late.err.find("epochs 0 to 2"), std::string::npos) << late.err;

  // Certified in epoch 0, asked for in epoch 1; and an id that was never requested.
  const std::string id = withdrawal_id(ChainId{31337}, {2, 1}).hex();
  for (const std::string& asked : {id, Hash32{}.hex()}) {
    ProcessResult r =
        relayctl({"withdrawal-proof", "--data", data_, "--epoch", "1", "--id", asked});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("not certified in epoch 1"), std::string::npos) << r.err;
  }
  ProcessResult bad_id =
      relayctl({"withdrawal-proof", "--data", data_, "--epoch", "0", "--id", "0x12"});
  EXPECT_EQ(bad_id.exit_code, 2);
  EXPECT_NE(bad_id.err.find("--id"), std::string::npos) << bad_id.err;
  for (const char* epoch : {"-1", "1x", "18446744073709551616"}) {
    ProcessResult bad_epoch = relayctl({"commitment", "--data", data_, "--epoch", epoch});
    EXPECT_EQ(bad_epoch.exit_code, 2) << epoch;
    EXPECT_NE(bad_epoch.err.find("--epoch: " + std::string(epoch) + " is not an epoch number"),
              std::string::npos)
        << bad_epoch.err;
  }

  ProcessResult missing = relayctl({"commitment", "--data", dir_ / "nowhere", "--epoch", "0"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("is not a folder"), std::string::npos) << missing.err;

  // A folder whose state and trees were written without commitments: the query commands say
  // so, and replay refuses to continue it.
  const std::string old = dir_ / "old";
  {
    auto genesis = parse_genesis(read_text(kGenesis));
    ASSERT_TRUE(genesis);
    auto folder = node::open_data_folder(old, genesis->network_id);
    ASSERT_TRUE(folder) << folder.error().message;
    storage::KvStore& db = *folder->store;
    auto trees = proofs::LiabilitiesTrees::open(*genesis, db);
    ASSERT_TRUE(trees);
    auto state = CanonicalState::open(*genesis, db, trees->get());
    ASSERT_TRUE(state);
    ASSERT_TRUE((*state)->apply_batch({}));
  }
  ProcessResult none = relayctl({"commitment", "--data", old, "--epoch", "0"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("holds no epoch commitments"), std::string::npos) << none.err;
  ProcessResult none_w = relayctl({"withdrawal-proof", "--data", old, "--epoch", "0", "--id", id});
  EXPECT_NE(none_w.err.find("holds no epoch commitments"), std::string::npos) << none_w.err;
  ProcessResult replay =
      relayctl({"replay", "--genesis", kGenesis, "--events",
                write(dir_, "one.jsonl", "{\"type\":\"epoch\"}\n"), "--data", old, "--json"});
  EXPECT_EQ(replay.exit_code, 2);
  EXPECT_NE(replay.err.find("liabilities trees cover 1 epoch(s) but the epoch commitments 0"),
            std::string::npos)
      << replay.err;
}

TEST(CommitmentCliHelp, EachCommandDescribesItselfAndItsOptions) {
  for (const auto& [cmd, options] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"commitment", {"--data", "--epoch", "--json", "verify-cert"}},
           {"withdrawal-proof", {"--data", "--epoch", "--id", "--json"}},
           {"verify-withdrawal", {"--proof", "--root", "Exits 0 only if it holds"}}}) {
    ProcessResult r = relayctl({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    for (const std::string& o : options)
      EXPECT_NE(r.out.find(o), std::string::npos) << cmd << " --help lacks " << o << "\n" << r.out;
  }
  ProcessResult top = relayctl({"--help"});
  for (const char* cmd : {"commitment", "withdrawal-proof", "verify-withdrawal"})
    EXPECT_NE(top.out.find(cmd), std::string::npos) << top.out;
}

}  // namespace
}  // namespace relay
