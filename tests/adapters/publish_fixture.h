// The EVM publisher's tests (publisher_test.cpp against a scripted node; on a real chain,
// evm_publish_test.cpp with PublishTestVault and relay_vault_publish_test.cpp with the real
// RelayVault): requests, a local anvil (tests/adapters/anvil.h) with a vault deployed by
// tests/adapters/publish_chain.mjs, fresh publisher keys funded with anvil_setBalance, JSON-RPC
// helpers. Test code only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/evm/publisher.h"
#include "adapters/evm/vault_abi.h"
#include "tests/adapters/anvil.h"
#include "tests/support/subprocess.h"
#include "vault/hex.h"

namespace relay::evm::testing {

using json = nlohmann::json;
using namespace std::chrono_literals;

using Outcome = msg::PublishReport::Outcome;

/// A made-up wall-clock time the tests step the publisher from.
inline const WallClock::time_point T0 = WallClock::time_point(std::chrono::seconds(1'800'000'000));

/// A request for `epoch`: a canonical commitment (the first vector of
/// tests/vectors/commitment_vectors.json) with its epoch word set to `epoch`, and one signature
/// of 65 bytes 0x1b (PublishTestVault and scripted nodes check none).
inline msg::PublishRequest test_request(uint64_t epoch, uint64_t not_before = 0) {
  std::ifstream in(RELAY_SOURCE_DIR "/tests/vectors/commitment_vectors.json");
  auto v = json::parse(in);
  std::vector<uint8_t> c = *from_hex(v["cases"][0]["encoding"].get<std::string>());
  for (int i = 0; i < 8; ++i) c[63 - i] = uint8_t(epoch >> (8 * i));
  msg::SignatureBytes sig;
  sig.fill(0x1b);
  return {epoch, c, {sig}, not_before};
}

/// An anvil with a vault put there by `publish_chain.mjs URL mode` (mode "test" or "relay"),
/// and the script's output; no anvil when one cannot start or the script failed (a failure).
struct PublishChain {
  std::unique_ptr<Anvil> anvil;
  json info;

  static PublishChain start(const char* mode) {
    PublishChain c;
    c.anvil = Anvil::start();
    if (!c.anvil) return c;
    auto r = relay::testing::run_process(
        {RELAY_NODE, RELAY_SOURCE_DIR "/tests/adapters/publish_chain.mjs", c.anvil->url, mode});
    if (r.exit_code != 0) {
      ADD_FAILURE() << "publish_chain.mjs " << mode << " failed: " << r.err;
      c.anvil.reset();
      return c;
    }
    c.info = json::parse(r.out);
    return c;
  }
};

/// Helpers over one PublishChain; a test's config is chain "alpha" (31337) with instant
/// finality unless the test says otherwise.
class PublishFixture : public ::testing::Test {
 protected:
  /// REQUIRES: `c` has an anvil.
  void connect(const PublishChain& c) {
    chain = c.info;
    rpc = std::make_unique<RpcClient>(make_http_transport(c.anvil->url));
    config.name = "alpha";
    config.chain_id = ChainId{31337};
    config.kind = "evm";
    config.vault = *Address::from_hex(chain["vault"].get<std::string>());
    config.finality = {};
  }

  json call(const std::string& method, const json& params) {
    auto r = rpc->call_raw(method, params.dump());
    EXPECT_TRUE(r) << method << ": " << r.error().message;
    return r ? json::parse(*r) : json();
  }
  static std::string quantity(uint64_t n) {
    char buf[24];
    snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(n));
    return buf;
  }
  static uint64_t number(const json& q) { return std::stoull(q.get<std::string>().substr(2), nullptr, 16); }

  // A fresh publisher key holding `wei_hex` wei on the chain.
  PublisherKey funded(const std::string& wei_hex) {
    auto key = make_validator_key(*generate_secret_key());
    call("anvil_setBalance", {key->address.hex(), wei_hex});
    return *key;
  }
  bool committed(uint64_t epoch) {
    auto r = call("eth_call", {{{"to", chain["vault"]}, {"data", to_hex(encode_is_committed(epoch))}}, "latest"});
    return r.is_string() && number(r) == 1;
  }
  uint64_t nonce(const Address& a, const char* tag = "pending") {
    return number(call("eth_getTransactionCount", {a.hex(), tag}));
  }
  // Whether anvil (automine on: it mines each transaction as it comes) has mined `tx` within 10 s.
  bool wait_mined(const TxHash& tx) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (call("eth_getTransactionReceipt", {tx.hex()}).is_null()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  json chain;
  std::unique_ptr<RpcClient> rpc;
  ChainConfig config;
};

}  // namespace relay::evm::testing
