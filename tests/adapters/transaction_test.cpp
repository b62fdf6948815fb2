// EIP-1559 transactions (adapters/evm/transaction.h) signed in C++ against the same
// transactions signed by ethers 6's Wallet (tests/vectors/transaction_vectors.json): same
// signing hash, same raw bytes (RFC 6979 makes the signature deterministic), same hash; and the
// signature recovers the key's address. evm_publish_test sends such transactions to anvil.
#include "adapters/evm/transaction.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "proofs/keys_file.h"
#include "vault/hex.h"

namespace relay::evm {
namespace {

nlohmann::json vectors() {
  std::ifstream in(RELAY_SOURCE_DIR "/tests/vectors/transaction_vectors.json");
  return nlohmann::json::parse(in);
}

SecretKey key_of(const std::string& hex) {
  auto raw = *from_hex(hex);
  return SecretKey(std::span<const uint8_t, 32>(raw.data(), 32));
}

Amount amount(const nlohmann::json& v) { return *Amount::from_decimal(v.get<std::string>()); }
uint64_t u64(const nlohmann::json& v) { return std::stoull(v.get<std::string>()); }

Eip1559Transaction tx_of(const nlohmann::json& c) {
  return {u64(c["chain_id"]), u64(c["nonce"]), amount(c["max_priority_fee_per_gas"]),
          amount(c["max_fee_per_gas"]), u64(c["gas_limit"]), *Address::from_hex(c["to"].get<std::string>()),
          amount(c["value"]), *from_hex(c["data"].get<std::string>())};
}

TEST(Eip1559Transaction, MatchesEthersByteForByte) {
  auto v = vectors();
  Secp256k1 secp;
  SecretKey key = key_of(v["key"]);
  ASSERT_EQ(make_validator_key(key)->address.hex(), v["address"]);
  ASSERT_GE(v["transactions"].size(), 3u);
  for (const auto& c : v["transactions"]) {
    Eip1559Transaction tx = tx_of(c);
    EXPECT_EQ(signing_hash(tx).hex(), c["signing_hash"]) << c["name"];
    auto signed_tx = sign_transaction(tx, key, secp);
    ASSERT_TRUE(signed_tx) << signed_tx.error().message;
    EXPECT_EQ(to_hex(signed_tx->raw), c["raw"].get<std::string>()) << c["name"];
    EXPECT_EQ(signed_tx->hash.hex(), c["hash"]) << c["name"];
  }
}

TEST(Eip1559Transaction, SignatureRecoversTheSenderWithLowS) {
  auto v = vectors();
  Secp256k1 secp;
  SecretKey key = key_of(v["key"]);
  for (const auto& c : v["transactions"]) {
    // r ‖ s ‖ v from the vector's fields, as ecrecover takes them.
    std::vector<uint8_t> sig = *from_hex(c["r"].get<std::string>());
    auto s = *from_hex(c["s"].get<std::string>());
    sig.insert(sig.end(), s.begin(), s.end());
    sig.push_back(uint8_t(27 + c["y_parity"].get<int>()));
    auto pub = secp.recover(sig, signing_hash(tx_of(c)));  // refuses high s
    ASSERT_TRUE(pub) << c["name"];
    EXPECT_EQ(evm_address(*pub)->hex(), c["from"]) << c["name"];
  }
}

TEST(Eip1559Transaction, AnotherFieldGivesAnotherHash) {
  auto v = vectors();
  Eip1559Transaction tx = tx_of(v["transactions"][0]);
  Hash32 h = signing_hash(tx);
  auto changed = [&](auto mutate) {
    Eip1559Transaction t = tx;
    mutate(t);
    return signing_hash(t) != h;
  };
  EXPECT_TRUE(changed([](auto& t) { t.chain_id += 1; }));  // replay protection (EIP-155)
  EXPECT_TRUE(changed([](auto& t) { t.nonce += 1; }));
  EXPECT_TRUE(changed([](auto& t) { t.max_fee_per_gas = Amount(t.max_fee_per_gas.raw() + 1); }));
  EXPECT_TRUE(changed([](auto& t) { t.data.push_back(0); }));
}

}  // namespace
}  // namespace relay::evm
