// Quorum certificates: a valid quorum is accepted; each bad case is refused with its own
// CertificateErrorKind; signatures from one network never verify on another; the certificate
// file round-trips and is pinned by tests/vectors/certificate_vectors.json; relayctl
// verify-cert exits 0 only for a valid certificate.
#include "proofs/certificate.h"

#include <gtest/gtest.h>

#include <fstream>

#include "certificate_fixture.h"
#include "proofs/certificate_json.h"
#include "proofs/commitment_json.h"
#include "proofs/signature.h"
#include "proofs/withdrawal_tree.h"

namespace relay {
namespace {

using Kind = CertificateErrorKind;
using nlohmann::json;

class CertificateTest : public ::testing::Test {
 protected:
  Secp256k1 secp;
  Genesis genesis = test::four_validators();

  Certificate signed_by(const Genesis& g, std::initializer_list<uint8_t> keys) {
    Certificate c;
    c.commitment = test::sample_commitment(g);
    for (uint8_t k : keys) {
      auto r = add_signature(c, secp, test::fixed_key(k));
      if (!r) throw std::runtime_error(r.error().message);
    }
    return c;
  }
  Certificate signed_by(std::initializer_list<uint8_t> keys) { return signed_by(genesis, keys); }

  std::optional<Kind> kind_of(const Certificate& c, const Genesis& g) {
    auto r = verify_certificate(c, g, secp);
    if (r) return std::nullopt;
    return r.error().kind;
  }
  std::optional<Kind> kind_of(const Certificate& c) { return kind_of(c, genesis); }
};

TEST_F(CertificateTest, AcceptsAQuorumOfDistinctValidators) {
  Certificate c = signed_by({1, 3, 4});
  auto v = verify_certificate(c, genesis, secp);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->weight, 3u);
  EXPECT_EQ(v->epoch, 7u);
  EXPECT_EQ(v->commitment_hash, commitment_hash(c.commitment));
  std::vector<size_t> signers = v->signers;
  std::sort(signers.begin(), signers.end());
  EXPECT_EQ(signers, (std::vector<size_t>{0, 2, 3}));
  EXPECT_TRUE(verify_certificate(signed_by({1, 2, 3, 4}), genesis));
}

TEST_F(CertificateTest, RefusesInsufficientWeight) {
  EXPECT_EQ(kind_of(signed_by({1, 2})), Kind::kInsufficientWeight);
  EXPECT_EQ(kind_of(signed_by({})), Kind::kInsufficientWeight);
}

TEST_F(CertificateTest, CountsWeightsNotHeads) {
  Genesis g = test::parse_or_throw(test::genesis_text("weighted", {1, 2, 3, 4}, {5, 1, 1, 1}, 6));
  EXPECT_TRUE(verify_certificate(signed_by(g, {1, 2}), g, secp));
  EXPECT_EQ(kind_of(signed_by(g, {2, 3, 4}), g), Kind::kInsufficientWeight);
}

TEST_F(CertificateTest, RefusesUnknownSigner) {
  Certificate c = signed_by({1, 2, 3});
  ASSERT_TRUE(add_signature(c, secp, test::fixed_key(9)));
  auto r = verify_certificate(c, genesis, secp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kUnknownSigner);
  EXPECT_TRUE(r.error().signature.has_value());
  EXPECT_NE(r.error().message.find(test::fixed_pubkey(9).hex()), std::string::npos);
}

TEST_F(CertificateTest, RefusesDuplicateSigner) {
  Certificate c = signed_by({1, 2});
  c.signatures.push_back(c.signatures[0]);  // weight would reach 3 if counted twice
  auto r = verify_certificate(c, genesis, secp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kDuplicateSigner);
  EXPECT_EQ(r.error().signature, std::optional<size_t>(2));
  EXPECT_FALSE(add_signature(c, secp, test::fixed_key(2)));  // the builder refuses it too
}

TEST_F(CertificateTest, RefusesHighS) {
  Certificate c = signed_by({1, 2, 3});
  std::vector<uint8_t>& sig = c.signatures[1];
  // s := n - s and flip v: the same signer to ecrecover, but the malleable high-s twin.
  static constexpr uint8_t kN[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                     0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
                                     0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = kN[i] - sig[32 + i] - borrow;
    borrow = d < 0;
    sig[32 + i] = static_cast<uint8_t>(d + (borrow ? 256 : 0));
  }
  sig[64] = sig[64] == 27 ? 28 : 27;
  EXPECT_EQ(kind_of(c), Kind::kHighS);
}

TEST_F(CertificateTest, RefusesWrongLengthAndBadV) {
  for (size_t len : {0u, 64u, 66u, 130u}) {
    Certificate c = signed_by({1, 2, 3});
    c.signatures[0].resize(len);
    EXPECT_EQ(kind_of(c), Kind::kWrongLength) << len;
  }
  for (uint8_t v : {0, 1, 29}) {
    Certificate c = signed_by({1, 2, 3});
    c.signatures[2][64] = v;
    EXPECT_EQ(kind_of(c), Kind::kBadRecoveryId) << int(v);
  }
}

TEST_F(CertificateTest, RefusesMalformedSignature) {
  Certificate c = signed_by({1, 2, 3});
  std::fill(c.signatures[0].begin(), c.signatures[0].begin() + 32, 0xff);  // r >= n
  EXPECT_EQ(kind_of(c), Kind::kMalformedSignature);
}

TEST_F(CertificateTest, RefusesACommitmentOfAnotherNetwork) {
  Genesis other = test::four_validators("another-net");  // same validators, other network id
  ASSERT_NE(other.network_id, genesis.network_id);
  Certificate c = signed_by(other, {1, 2, 3, 4});
  ASSERT_TRUE(verify_certificate(c, other, secp));
  auto r = verify_certificate(c, genesis, secp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kWrongNetwork);
}

TEST_F(CertificateTest, SignaturesFromOneNetworkNeverVerifyOnAnother) {
  Genesis other = test::four_validators("another-net");
  Certificate theirs = signed_by(other, {1, 2, 3, 4});
  // Relabel the commitment with this network's id but keep their signatures: each was made
  // under the other network's domain, so each recovers to a key that is no validator here.
  Certificate relabelled = theirs;
  relabelled.commitment.network_id = genesis.network_id;
  EXPECT_EQ(kind_of(relabelled), Kind::kUnknownSigner);
  // Even with this network's commitment hash, a signature under the other domain is refused.
  Certificate mixed = signed_by({1, 2});
  const Hash32 hash = commitment_hash(mixed.commitment);
  auto foreign = sign_commitment(secp, test::fixed_key(3), other.network_id, hash);
  ASSERT_TRUE(foreign);
  mixed.signatures.emplace_back(foreign->bytes.begin(), foreign->bytes.end());
  EXPECT_EQ(kind_of(mixed), Kind::kUnknownSigner);
}

TEST_F(CertificateTest, RefusesATamperedCommitment) {
  // Tampered so that the content still holds: only the signatures can tell.
  Certificate c = signed_by({1, 2, 3});
  c.commitment.custody[0] = Amount(c.commitment.custody[0].raw() + 1);
  c.commitment.liabilities_totals[0] = Amount(c.commitment.liabilities_totals[0].raw() + 1);
  EXPECT_EQ(kind_of(c), Kind::kUnknownSigner);
  Certificate e = signed_by({1, 2, 3});
  e.commitment.epoch += 1;
  e.commitment.end_time += test::kEpochSeconds;
  EXPECT_EQ(kind_of(e), Kind::kUnknownSigner);
  Certificate k = signed_by({1, 2, 3});
  k.commitment.cut_hashes[1].bytes[0] ^= 1;
  EXPECT_EQ(kind_of(k), Kind::kUnknownSigner);
  Certificate p = signed_by({1, 2, 3});
  p.commitment.pending[1] = Amount(0);  // and USDC's custody on alpha one hundred less
  p.commitment.custody[1] = Amount(1'900);
  EXPECT_EQ(kind_of(p), Kind::kUnknownSigner);
}

TEST_F(CertificateTest, RefusesACommitmentShapedForAnotherGenesis) {
  Certificate c = signed_by({1, 2, 3});
  c.commitment.cut_heights.push_back(9);
  EXPECT_EQ(kind_of(c), Kind::kMalformedCommitment);
  Certificate p = signed_by({1, 2, 3});
  p.commitment.pending.pop_back();
  auto r = verify_certificate(p, genesis, secp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, Kind::kMalformedCommitment);
  EXPECT_NE(r.error().message.find("commitment.pending"), std::string::npos) << r.error().message;
}

// A quorum signed it, but no honest node computes it: the content checks
// (proofs/commitment_checks.h) refuse it before any signature is looked at.
TEST_F(CertificateTest, RefusesASignedCommitmentWhoseContentIsImpossible) {
  auto signed_with = [&](auto change) {
    Certificate c;
    c.commitment = test::sample_commitment(genesis);
    change(c.commitment);
    for (uint8_t k : {1, 2, 3}) EXPECT_TRUE(add_signature(c, secp, test::fixed_key(k)));
    return verify_certificate(c, genesis, secp);
  };
  auto unbalanced = signed_with([](EpochCommitment& c) { c.pending[1] = Amount(0); });
  ASSERT_FALSE(unbalanced);
  EXPECT_EQ(unbalanced.error().kind, Kind::kMalformedCommitment);
  EXPECT_NE(unbalanced.error().message.find("asset USDC: custody 2500 != liabilities total 2400 "
                                            "+ pending 0"),
            std::string::npos)
      << unbalanced.error().message;
  auto late = signed_with([](EpochCommitment& c) { c.cut_timestamps[0] = c.end_time + 1; });
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, Kind::kMalformedCommitment);
  EXPECT_NE(late.error().message.find("chain alpha: cut timestamp"), std::string::npos);
  auto off_schedule = signed_with([](EpochCommitment& c) { c.end_time += 10; });
  ASSERT_FALSE(off_schedule);
  EXPECT_NE(off_schedule.error().message.find("commitment.end_time"), std::string::npos);
  auto no_data = signed_with([](EpochCommitment& c) {  // relayctl replay's: valid
    c.end_time = 0;
    c.set_cuts(std::vector<ChainCut>(2));
  });
  EXPECT_TRUE(no_data) << no_data.error().message;
}

TEST_F(CertificateTest, AddSignatureKeepsAscendingSignerAddresses) {
  Certificate c = signed_by({4, 1, 3, 2});
  std::vector<Address> order;
  const Hash32 hash = commitment_hash(c.commitment);
  for (const auto& s : c.signatures) {
    auto k = recover_signer(secp, s, genesis.network_id, hash);
    ASSERT_TRUE(k);
    order.push_back(*evm_address(*k));
  }
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(order.size(), 4u);
}

TEST_F(CertificateTest, JsonRoundTripsAndKeepsBadSignaturesForTheVerifier) {
  Certificate c = signed_by({1, 2, 3});
  c.signatures[1].resize(64);
  auto back = certificate_from_json(certificate_to_json(c));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->commitment, c.commitment);
  EXPECT_EQ(back->signatures, c.signatures);
  EXPECT_EQ(kind_of(*back), Kind::kWrongLength);
}

TEST_F(CertificateTest, JsonRefusesAWrongHashUnknownFieldsAndNonHex) {
  json good = json::parse(certificate_to_json(signed_by({1, 2, 3})));
  auto refuse = [](const json& j, const std::string& needle) {
    auto r = certificate_from_json(j.dump());
    ASSERT_FALSE(r) << needle;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  json j = good;
  j["commitment_hash"] = test::hash_of_byte(1).hex();
  refuse(j, "certificate.commitment_hash");
  j = good;
  j["signers"] = json::array();
  refuse(j, "certificate.signers: unknown field");
  j = good;
  j["signatures"][0] = "0xzz";
  refuse(j, "certificate.signatures[0]");
  j = good;
  j["type"] = "something-else";
  refuse(j, "certificate.type");
  j = good;
  j["commitment"]["epoch"] = "7";
  refuse(j, "certificate.commitment.epoch");
  j = good;
  j["commitment"].erase("pending");
  refuse(j, "certificate.commitment.pending: missing");
  j = good;
  j["commitment"]["cut_timestamps"][1] = -1;
  refuse(j, "certificate.commitment.cut_timestamps[1]");
  // The eight-field commitment's file (version 1) is refused by name, not misread.
  j = good;
  j["version"] = 1;
  refuse(j, "certificate.version: 1 is the eight-field commitment of older relays");
  j = good;
  j["version"] = 3;
  refuse(j, "certificate.version: must be 2");
  EXPECT_FALSE(certificate_from_json("[]"));
  EXPECT_FALSE(certificate_from_json("{"));
}

TEST_F(CertificateTest, JsonRefusesARepeatedKeyAndLocatesSyntaxErrors) {
  // Two epochs in one commitment: a reader keeping the first and one keeping the last would
  // see two different certificates in one file.
  std::string text = certificate_to_json(signed_by({1, 2, 3}));
  const size_t epoch = text.find("\"epoch\": ");
  ASSERT_NE(epoch, std::string::npos);
  text.insert(epoch, "\"epoch\": 8,\n    ");
  auto r = certificate_from_json(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "certificate: commitment.epoch: repeated key");

  std::string broken = certificate_to_json(signed_by({1, 2, 3}));
  broken.insert(broken.find("\"signatures\""), "]");
  auto b = certificate_from_json(broken);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().message.rfind("certificate: not valid JSON at line ", 0), 0u)
      << b.error().message;
  EXPECT_NE(b.error().message.find(", column 3: syntax error while parsing object key"),
            std::string::npos)
      << b.error().message;
}

TEST_F(CertificateTest, MatchesTheVectors) {
  json v = test::load_vector("certificate_vectors.json");
  Genesis g = test::parse_or_throw(v["genesis"].get<std::string>());
  EXPECT_EQ(g.network_id.hex(), v["network_id"].get<std::string>());
  for (const json& k : v["keys"]) {
    auto raw = test::bytes_of(k["secret_key"].get<std::string>());
    SecretKey key(std::span<const uint8_t, 32>(raw.data(), 32));
    auto pub = secp.public_key(key);
    ASSERT_TRUE(pub);
    EXPECT_EQ(pub->hex(), k["public_key"].get<std::string>());
    EXPECT_EQ(evm_address(secp, *pub)->hex(), k["address"].get<std::string>());
  }
  auto commitment = commitment_from_json(v["commitment"], "vector");
  ASSERT_TRUE(commitment);
  const Hash32 hash = commitment_hash(*commitment);
  EXPECT_EQ(hash.hex(), v["commitment_hash"].get<std::string>());
  EXPECT_EQ(signing_digest(g.network_id, hash).hex(), v["signing_digest"].get<std::string>());
  for (size_t i = 0; i < v["signatures"].size(); ++i) {
    auto raw = test::bytes_of(v["keys"][i]["secret_key"].get<std::string>());
    SecretKey key(std::span<const uint8_t, 32>(raw.data(), 32));
    auto sig = sign_commitment(secp, key, g.network_id, hash);
    ASSERT_TRUE(sig);
    // RFC 6979 makes signatures deterministic: the same bytes as the independent generator.
    EXPECT_EQ(sig->hex(), v["signatures"][i]["signature"].get<std::string>());
  }
  // The certificate file: ours reads it, verifies it, and writes the same JSON back.
  auto cert = certificate_from_json(v["certificate"].dump());
  ASSERT_TRUE(cert) << cert.error().message;
  auto verified = verify_certificate(*cert, g, secp);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->weight, 3u);
  EXPECT_EQ(json::parse(certificate_to_json(*cert)), v["certificate"]);
  Certificate rebuilt;
  rebuilt.commitment = *commitment;
  for (uint8_t k : {1, 2, 3}) ASSERT_TRUE(add_signature(rebuilt, secp, test::fixed_key(k)));
  EXPECT_EQ(json::parse(certificate_to_json(rebuilt)), v["certificate"]);
}

// deploy/devnet/genesis.json lists the validators whose secret keys are 1..4 (as the fixture's).
TEST_F(CertificateTest, DevnetValidatorsFormAQuorum) {
  const std::string path = std::string(RELAY_SOURCE_DIR) + "/deploy/devnet/genesis.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no devnet genesis";
  Genesis devnet = test::parse_or_throw(test::read_all(path));
  Certificate c;
  c.commitment.network_id = devnet.network_id;
  c.commitment.epoch = 1;
  c.commitment.set_cuts(std::vector<ChainCut>(devnet.chains.size()));  // end_time 0: no data
  c.commitment.liabilities_roots.assign(devnet.assets.size(), Hash32{});
  c.commitment.liabilities_totals.assign(devnet.assets.size(), Amount(0));
  c.commitment.custody.assign(devnet.chains.size() * devnet.assets.size(), Amount(0));
  c.commitment.pending.assign(devnet.chains.size() * devnet.assets.size(), Amount(0));
  c.commitment.withdrawal_roots.assign(devnet.chains.size(), empty_withdrawal_root());
  uint64_t weight = 0;
  for (uint8_t k = 1; k <= 4 && weight < devnet.quorum; ++k) {
    auto pub = test::fixed_pubkey(k);
    auto it = std::find_if(devnet.validators.begin(), devnet.validators.end(),
                           [&](const Validator& v) { return v.pubkey == pub.bytes; });
    if (it == devnet.validators.end()) GTEST_SKIP() << "devnet validators are not keys 1..4";
    ASSERT_TRUE(add_signature(c, secp, test::fixed_key(k)));
    weight += it->weight;
  }
  auto v = verify_certificate(c, devnet, secp);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_GE(v->weight, devnet.quorum);
}

// relayctl verify-cert: exit 0 and a summary for a valid certificate; exit 1 naming the failure.
TEST_F(CertificateTest, VerifyCertCommandExitsZeroOnlyWhenValid) {
  test::TempDir dir;
  RELAY_REQUIRE_RELAYCTL_COMMAND(dir, "verify-cert");
  const std::string gpath = dir.file("genesis.json");
  const std::string text = test::genesis_text("proofs-test", {1, 2, 3, 4}, {1, 1, 1, 1}, 3);
  { std::ofstream(gpath) << text; }
  auto write_cert = [&](const Certificate& c, const std::string& name) {
    std::ofstream(dir.file(name)) << certificate_to_json(c);
    return dir.file(name);
  };
  const std::string good = write_cert(signed_by({1, 2, 4}), "good.json");
  auto ok = test::run_relayctl(dir, "verify-cert --genesis " + gpath + " --cert " + good);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("epoch: 7"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find(commitment_hash(test::sample_commitment(genesis)).hex()),
            std::string::npos);
  EXPECT_NE(ok.out.find("v4 (weight 1)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("weight: 3"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("epoch: 7 (ends at 1764470080)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("ETH: custody 1000000 = liabilities 900000 + pending 100000"),
            std::string::npos)
      << ok.out;
  EXPECT_NE(ok.out.find("USDC: custody 2500 = liabilities 2400 + pending 100"), std::string::npos)
      << ok.out;

  Certificate dup = signed_by({1, 2});
  dup.signatures.push_back(dup.signatures[0]);
  auto bad = test::run_relayctl(
      dir, "verify-cert --genesis " + gpath + " --cert " + write_cert(dup, "dup.json"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("duplicate signer"), std::string::npos) << bad.err;

  auto few = test::run_relayctl(
      dir, "verify-cert --genesis " + gpath + " --cert " + write_cert(signed_by({1}), "few.json"));
  EXPECT_EQ(few.exit_code, 1);
  EXPECT_NE(few.err.find("insufficient weight"), std::string::npos) << few.err;

  auto missing = test::run_relayctl(
      dir, "verify-cert --genesis " + gpath + " --cert " + dir.file("nope.json"));
  EXPECT_EQ(missing.exit_code, 2);

  const std::string other = dir.file("other.json");
  { std::ofstream(other) << test::genesis_text("another-net", {1, 2, 3, 4}, {1, 1, 1, 1}, 3); }
  auto foreign = test::run_relayctl(dir, "verify-cert --genesis " + other + " --cert " + good);
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_NE(foreign.err.find("wrong network"), std::string::npos) << foreign.err;

  auto as_json =
      test::run_relayctl(dir, "verify-cert --json --genesis " + gpath + " --cert " + good);
  EXPECT_EQ(as_json.exit_code, 0) << as_json.err;
  json out = json::parse(as_json.out, nullptr, false);
  ASSERT_TRUE(out.is_object()) << as_json.out;
  EXPECT_EQ(out["valid"], true);
  EXPECT_EQ(out["epoch"], 7);
  EXPECT_EQ(out["weight"], 3);
  EXPECT_EQ(out["signers"].size(), 3u);
  EXPECT_EQ(out["end_time"], 1764470080);
  EXPECT_EQ(out["assets"],
            json::parse(R"([{"asset":"ETH","custody":"1000000","liabilities":"900000",)"
                        R"("pending":"100000"},{"asset":"USDC","custody":"2500",)"
                        R"("liabilities":"2400","pending":"100"}])"));

  Certificate unbalanced;
  unbalanced.commitment = test::sample_commitment(genesis);
  unbalanced.commitment.liabilities_totals[0] = Amount(900'001);
  for (uint8_t k : {1, 2, 3}) ASSERT_TRUE(add_signature(unbalanced, secp, test::fixed_key(k)));
  auto impossible = test::run_relayctl(
      dir, "verify-cert --genesis " + gpath + " --cert " + write_cert(unbalanced, "ub.json"));
  EXPECT_EQ(impossible.exit_code, 1);
  EXPECT_NE(impossible.err.find("malformed commitment"), std::string::npos) << impossible.err;
  EXPECT_NE(impossible.err.find("asset ETH: custody 1000000 != liabilities total 900001"),
            std::string::npos)
      << impossible.err;
}

}  // namespace
}  // namespace relay
