// Keccak-256, validator keys, key files and recoverable signatures (proofs/keys*, secp256k1*,
// signature*). Keccak vectors from js-sha3 and the Ethereum yellow paper's empty-string hash.
#include "proofs/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include "certificate_fixture.h"
#include "proofs/keccak.h"
#include "proofs/keys_file.h"
#include "proofs/secp256k1.h"
#include "proofs/signature.h"
#include "vault/sha256.h"

namespace relay {
namespace {

using test::TempDir;

Hash32 keccak_of(const std::string& s) {
  return keccak256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

std::optional<SignatureError> sig_error(const std::expected<PublicKey, SignatureError>& r) {
  if (r) return std::nullopt;
  return r.error();
}

mode_t mode_of(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

// n - s for a 32-byte big-endian s: the high-s twin of a low-s signature.
std::array<uint8_t, 32> order_minus(std::span<const uint8_t> s) {
  static constexpr uint8_t kN[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                     0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
                                     0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  std::array<uint8_t, 32> out{};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = kN[i] - s[i] - borrow;
    borrow = d < 0;
    out[i] = static_cast<uint8_t>(d + (borrow ? 256 : 0));
  }
  return out;
}

TEST(Keccak256, MatchesKnownVectorsAcrossTheRateBoundary) {
  EXPECT_EQ(keccak_of("").hex(),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(keccak_of("abc").hex(),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(keccak_of(std::string(135, 'a')).hex(),
            "0x34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
  EXPECT_EQ(keccak_of(std::string(136, 'a')).hex(),
            "0xa6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
  EXPECT_EQ(keccak_of(std::string(137, 'a')).hex(),
            "0xd869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
  EXPECT_EQ(keccak_of(std::string(272, 'a')).hex(),
            "0xcf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8");
  EXPECT_EQ(keccak_of(std::string(1000, 'a')).hex(),
            "0xb6a4ac1f51884d71f30fa397a5e155de3099e11fc0edef5d08b646e621e19de9");
}

TEST(Keccak256, IsNotFips202Sha3) {
  // SHA3-256("") = a7ffc6f8...; Ethereum's Keccak differs only in the padding byte.
  EXPECT_NE(keccak_of("").hex(),
            "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

TEST(Keys, EvmAddressesOfWellKnownKeys) {
  // Secret keys 1 and 2: addresses every Ethereum tool agrees on.
  auto a1 = evm_address(test::fixed_pubkey(1));
  auto a2 = evm_address(test::fixed_pubkey(2));
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(a1->hex(), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  EXPECT_EQ(a2->hex(), "0x2b5ad5c4795c026514f8317c7a215e218dccd6cf");
  EXPECT_EQ(test::fixed_pubkey(1).hex(),
            "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
}

TEST(Keys, RefusesInvalidSecretsAndNonPoints) {
  std::array<uint8_t, 32> zero{}, ff;
  ff.fill(0xff);
  EXPECT_FALSE(public_key_of(SecretKey(zero)));
  EXPECT_FALSE(public_key_of(SecretKey(ff)));  // >= n
  PublicKey bad = test::fixed_pubkey(1);
  bad.bytes[0] = 0x05;
  EXPECT_FALSE(evm_address(bad));
}

TEST(Keys, GeneratesValidDistinctKeys) {
  std::set<PublicKey> seen;
  for (int i = 0; i < 8; ++i) {
    auto k = generate_secret_key();
    ASSERT_TRUE(k) << k.error().message;
    auto p = public_key_of(*k);
    ASSERT_TRUE(p);
    EXPECT_TRUE(seen.insert(*p).second);
  }
}

TEST(KeyFile, IsCreatedWithMode0600AndLoadsBack) {
  TempDir dir;
  const std::string path = dir.file("validator.key");
  ::umask(0);  // even with a permissive umask the file is 0600
  auto key = make_validator_key(test::fixed_key(7));
  ASSERT_TRUE(key);
  ASSERT_TRUE(write_key_file(path, *key));
  ::umask(022);
  EXPECT_EQ(mode_of(path), 0600u);
  auto loaded = load_key_file(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->public_key, key->public_key);
  EXPECT_EQ(loaded->address, key->address);
  EXPECT_TRUE(std::equal(loaded->secret.expose_secret().begin(),
                         loaded->secret.expose_secret().end(),
                         key->secret.expose_secret().begin()));
}

TEST(KeyFile, ValidatorAndPublisherKeysAreKeptApart) {
  TempDir dir;
  auto key = make_validator_key(test::fixed_key(7));
  const std::string publisher = dir.file("publisher.key"), validator = dir.file("validator.key");
  ASSERT_TRUE(write_key_file(publisher, *key, KeyRole::publisher));
  ASSERT_TRUE(write_key_file(validator, *key));
  EXPECT_EQ(mode_of(publisher), 0600u);
  std::ifstream in(publisher);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"type\": \"relay-publisher-key\""), std::string::npos) << text;
  auto loaded = load_key_file(publisher, KeyRole::publisher);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->address, key->address);
  // Each role refuses the other's file, saying which it is.
  auto as_validator = load_key_file(publisher);
  ASSERT_FALSE(as_validator);
  EXPECT_EQ(as_validator.error().message,
            "key file " + publisher +
                ": holds a publisher key; a validator key is needed here (the roles never share a "
                "key: relayctl keygen makes one)");
  auto as_publisher = load_key_file(validator, KeyRole::publisher);
  ASSERT_FALSE(as_publisher);
  EXPECT_NE(as_publisher.error().message.find("holds a validator key; a publisher key is needed here"),
            std::string::npos);
  EXPECT_NE(as_publisher.error().message.find("relayctl keygen --publisher"), std::string::npos);
  // The same checks as a validator key: mode, overwrite.
  ASSERT_EQ(::chmod(publisher.c_str(), 0640), 0);
  EXPECT_FALSE(load_key_file(publisher, KeyRole::publisher));
  EXPECT_FALSE(write_key_file(publisher, *key, KeyRole::publisher));
}

TEST(KeyFile, RefusesToOverwriteAnExistingFile) {
  TempDir dir;
  const std::string path = dir.file("validator.key");
  { std::ofstream(path) << "precious"; }
  auto key = make_validator_key(test::fixed_key(7));
  auto w = write_key_file(path, *key);
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("refusing to overwrite"), std::string::npos);
  EXPECT_EQ(test::read_all(path), "precious");
}

TEST(KeyFile, RefusesGroupOrWorldReadableFile) {
  TempDir dir;
  const std::string path = dir.file("validator.key");
  ASSERT_TRUE(write_key_file(path, *make_validator_key(test::fixed_key(7))));
  for (mode_t m : {0640u, 0604u, 0660u, 0644u, 0620u}) {
    ASSERT_EQ(::chmod(path.c_str(), m), 0);
    auto loaded = load_key_file(path);
    ASSERT_FALSE(loaded) << std::oct << m;
    EXPECT_NE(loaded.error().message.find("lets group or others access"), std::string::npos)
        << loaded.error().message;
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(load_key_file(path));
}

TEST(KeyFile, RefusesCorruptOrForeignFiles) {
  TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    const std::string p = dir.file(name);
    { std::ofstream(p) << text; }
    ::chmod(p.c_str(), 0600);
    return p;
  };
  const std::string good_secret = to_hex(test::fixed_key(7).expose_secret());
  auto key = *make_validator_key(test::fixed_key(7));
  EXPECT_FALSE(load_key_file(write("a", "not json")));
  EXPECT_FALSE(load_key_file(
      write("b", R"({"type":"other","version":1,"secret_key":")" + good_secret + "\"}")));
  EXPECT_FALSE(load_key_file(
      write("c", R"({"type":"relay-validator-key","version":1,"secret_key":"0x00"})")));
  EXPECT_FALSE(load_key_file(write(
      "d",
      R"({"type":"relay-validator-key","version":1,"secret_key":"0x0000000000000000000000000000000000000000000000000000000000000000"})")));
  auto wrong_pub = load_key_file(
      write("e", R"({"type":"relay-validator-key","version":1,"secret_key":")" + good_secret +
                     R"(","public_key":")" + test::fixed_pubkey(8).hex() + "\"}"));
  ASSERT_FALSE(wrong_pub);
  EXPECT_NE(wrong_pub.error().message.find("does not match"), std::string::npos);
  EXPECT_TRUE(
      load_key_file(write("f", R"({"type":"relay-validator-key","version":1,"secret_key":")" +
                                   good_secret + R"(","address":")" + key.address.hex() + "\"}")));
  EXPECT_FALSE(load_key_file(dir.file("missing")));
  EXPECT_FALSE(load_key_file(dir.path()));  // a directory
}

TEST(KeyFile, RefusesARepeatedOrUnknownFieldAndNeverQuotesTheSecret) {
  TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    const std::string p = dir.file(name);
    { std::ofstream(p) << text; }
    ::chmod(p.c_str(), 0600);
    return p;
  };
  const std::string s7 = to_hex(test::fixed_key(7).expose_secret());
  const std::string s8 = to_hex(test::fixed_key(8).expose_secret());
  const std::string head = R"({"type":"relay-validator-key","version":1,)";
  const std::string twice = write("twice", head + R"("secret_key":")" + s7 +
                                               R"(","secret_key":")" + s8 + "\"}");
  auto r = load_key_file(twice);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "key file " + twice + ": secret_key: repeated key");
  const std::string extra = write("extra", head + R"("secret_key":")" + s7 + R"(","note":1})");
  auto u = load_key_file(extra);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().message, "key file " + extra + ": \"note\": unknown field");
  // A broken file: the error says where, and holds no digit of the secret.
  const std::string broken = write("broken", "{\n" + head.substr(1) + "\n\"secret_key\": " + s7 + "}");
  auto b = load_key_file(broken);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("key file " + broken + ": not valid JSON at line 3, column 1"),
            std::string::npos)
      << b.error().message;
  EXPECT_EQ(b.error().message.find(s7.substr(2, 8)), std::string::npos) << b.error().message;
}

TEST(KeyFile, MutatedFilesLoadTheSameKeyOrAreRefused) {
  TempDir dir;
  const std::string good_path = dir.file("good.key");
  auto key = *make_validator_key(test::fixed_key(77));
  ASSERT_TRUE(write_key_file(good_path, key));
  const std::string good = test::read_all(good_path);
  std::mt19937_64 rng(5);
  const char kAlphabet[] = "0123456789abcdefxX{}\":, ";
  int loaded = 0;
  for (int iter = 0; iter < 500; ++iter) {
    std::string text = good;
    size_t pos = rng() % text.size();
    switch (rng() % 3) {
      case 0:
        text[pos] = kAlphabet[rng() % (sizeof kAlphabet - 1)];
        break;
      case 1:
        text.erase(pos, 1 + rng() % 4);
        break;
      case 2:
        text.resize(pos);
        break;
    }
    const std::string path = dir.file("m" + std::to_string(iter));
    {
      std::ofstream out(path);
      out << text;
    }
    ::chmod(path.c_str(), 0600);
    auto k = load_key_file(path);
    if (!k) continue;
    ++loaded;
    EXPECT_EQ(k->public_key, key.public_key) << text;
  }
  EXPECT_GT(loaded, 0);  // e.g. whitespace edits
}

TEST(Signatures, AreLowSWithV27Or28AndRecoverTheSigner) {
  Secp256k1 secp;
  const Hash32 network = test::hash_of_byte(0xaa);
  for (uint8_t k = 1; k <= 20; ++k) {
    const Hash32 commitment = test::hash_of_byte(k);
    auto sig = sign_commitment(secp, test::fixed_key(k), network, commitment);
    ASSERT_TRUE(sig);
    EXPECT_TRUE(sig->bytes[64] == 27 || sig->bytes[64] == 28);
    EXPECT_LT(sig->bytes[32], 0x80) << "s must be at most n/2";
    auto who = recover_signer(secp, sig->bytes, network, commitment);
    ASSERT_TRUE(who);
    EXPECT_EQ(*who, test::fixed_pubkey(k));
  }
}

TEST(Signatures, DigestIsSha256OfNetworkIdThenCommitmentHash) {
  std::vector<uint8_t> both(64);
  std::fill(both.begin(), both.begin() + 32, 0xaa);
  std::fill(both.begin() + 32, both.end(), 0xbb);
  EXPECT_EQ(signing_digest(test::hash_of_byte(0xaa), test::hash_of_byte(0xbb)), sha256(both));
}

TEST(Signatures, RefuseTheHighSTwin) {
  Secp256k1 secp;
  const Hash32 network = test::hash_of_byte(1), commitment = test::hash_of_byte(2);
  auto sig = *sign_commitment(secp, test::fixed_key(3), network, commitment);
  std::vector<uint8_t> twin(sig.bytes.begin(), sig.bytes.end());
  auto high = order_minus(std::span<const uint8_t>(sig.bytes).subspan(32, 32));
  std::copy(high.begin(), high.end(), twin.begin() + 32);
  twin[64] = twin[64] == 27 ? 28 : 27;  // ecrecover would accept this twin for the same key
  auto r = recover_signer(secp, twin, network, commitment);
  EXPECT_EQ(sig_error(r), SignatureError::kHighS);
}

TEST(Signatures, RefuseWrongLengthBadVAndOutOfRangeScalars) {
  Secp256k1 secp;
  const Hash32 network = test::hash_of_byte(1), commitment = test::hash_of_byte(2);
  auto sig = *sign_commitment(secp, test::fixed_key(3), network, commitment);
  std::vector<uint8_t> good(sig.bytes.begin(), sig.bytes.end());
  for (size_t len : {0u, 64u, 66u}) {
    std::vector<uint8_t> s = good;
    s.resize(len);
    EXPECT_EQ(sig_error(recover_signer(secp, s, network, commitment)),
              SignatureError::kWrongLength);
  }
  for (uint8_t v : {0, 1, 26, 29, 255}) {
    std::vector<uint8_t> s = good;
    s[64] = v;
    EXPECT_EQ(sig_error(recover_signer(secp, s, network, commitment)),
              SignatureError::kBadRecoveryId);
  }
  std::vector<uint8_t> zero_r = good;
  std::fill(zero_r.begin(), zero_r.begin() + 32, 0);
  EXPECT_EQ(sig_error(recover_signer(secp, zero_r, network, commitment)),
            SignatureError::kMalformed);
  std::vector<uint8_t> big_r = good;
  std::fill(big_r.begin(), big_r.begin() + 32, 0xff);  // >= n
  EXPECT_EQ(sig_error(recover_signer(secp, big_r, network, commitment)),
            SignatureError::kMalformed);
}

TEST(Signatures, FromOneNetworkNeverRecoverTheSignerOnAnother) {
  Secp256k1 secp;
  const Hash32 a = test::hash_of_byte(0xa1), b = test::hash_of_byte(0xb2);
  const Hash32 commitment = test::hash_of_byte(5);
  auto sig = *sign_commitment(secp, test::fixed_key(4), a, commitment);
  auto on_b = recover_signer(secp, sig.bytes, b, commitment);
  EXPECT_TRUE(!on_b || *on_b != test::fixed_pubkey(4));
}

// The CLI: relayctl keygen writes a 0600 file, prints the public key and address, never the
// secret, and never overwrites. Skipped until relay/cli/main.cpp registers the command.
TEST(KeygenCommand, WritesMode0600AndNeverPrintsTheSecret) {
  TempDir dir;
  RELAY_REQUIRE_RELAYCTL_COMMAND(dir, "keygen");
  const std::string path = dir.file("v.key");
  auto r = test::run_relayctl(dir, "keygen --out " + path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(path), 0600u);
  auto key = load_key_file(path);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_NE(r.out.find(key->public_key.hex()), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(key->address.hex()), std::string::npos) << r.out;
  const std::string secret = to_hex(key->secret.expose_secret()).substr(2);
  for (const std::string* text : {&r.out, &r.err}) {
    EXPECT_EQ(text->find(secret), std::string::npos) << "the secret was printed";
    EXPECT_EQ(text->find(secret.substr(0, 16)), std::string::npos) << "part of the secret printed";
  }
  auto again = test::run_relayctl(dir, "keygen --out " + path);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos) << again.err;
  auto same = load_key_file(path);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->public_key, key->public_key);
}

TEST(KeygenCommand, PublisherKeyPrintsTheAddressToFund) {
  TempDir dir;
  RELAY_REQUIRE_RELAYCTL_COMMAND(dir, "keygen");
  const std::string path = dir.file("p.key");
  auto r = test::run_relayctl(dir, "keygen --publisher --out " + path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_FALSE(load_key_file(path));  // not a validator key
  auto key = load_key_file(path, KeyRole::publisher);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_NE(r.out.find("relay-publisher-key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fund " + key->address.hex()), std::string::npos) << r.out;
  const std::string secret = to_hex(key->secret.expose_secret()).substr(2);
  EXPECT_EQ(r.out.find(secret.substr(0, 16)), std::string::npos) << "part of the secret printed";
  EXPECT_EQ(r.err.find(secret.substr(0, 16)), std::string::npos) << "part of the secret printed";
}

}  // namespace
}  // namespace relay
