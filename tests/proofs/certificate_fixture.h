// Test fixture for keys, commitments and certificates: fixed validator keys (secret k = the
// integer k, as deploy/devnet uses), a genesis builder over them, a sample commitment, vector
// file loading, and running the built relayctl. Header-only.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "proofs/commitment.h"
#include "proofs/keys.h"
#include "proofs/secp256k1.h"
#include "vault/genesis.h"
#include "tests/support/temp_dir.h"

namespace relay::test {

/// The secret key whose value is the integer k (1 <= k < 256).
inline SecretKey fixed_key(uint8_t k) {
  std::array<uint8_t, 32> b{};
  b[31] = k;
  return SecretKey(b);
}

inline PublicKey fixed_pubkey(uint8_t k) {
  auto p = public_key_of(fixed_key(k));
  if (!p) throw std::runtime_error(p.error().message);
  return *p;
}

/// The fixture genesis' epochs schedule: T_e = kStartTime + (e + 1) * kEpochSeconds.
inline constexpr uint64_t kStartTime = 1764470000, kEpochSeconds = 10;

/// Genesis text with validators "v<k>" for each key k with the given weights, two chains, two
/// assets and the epochs schedule above. The network name changes the network id (SHA-256 of the
/// text).
inline std::string genesis_text(const std::string& network, const std::vector<uint8_t>& keys,
                                const std::vector<uint64_t>& weights, uint64_t quorum) {
  nlohmann::json vals = nlohmann::json::array();
  for (size_t i = 0; i < keys.size(); ++i)
    vals.push_back({{"name", "v" + std::to_string(keys[i])},
                    {"pubkey", fixed_pubkey(keys[i]).hex()},
                    {"weight", weights[i]}});
  nlohmann::json g = {
      {"network", network},
      {"quorum", quorum},
      {"validators", vals},
      {"chains",
       {{{"name", "alpha"},
         {"chain_id", 31337},
         {"kind", "evm"},
         {"vault", "0x1000000000000000000000000000000000000001"},
         {"finality", {{"tag", "finalized"}}}},
        {{"name", "beta"},
         {"chain_id", 31338},
         {"kind", "evm"},
         {"vault", "0x2000000000000000000000000000000000000002"},
         {"finality", {{"confirmations", 2}}}}}},
      {"assets",
       {{{"id", "ETH"},
         {"decimals", 18},
         {"tokens",
          {{"alpha", {{"address", "0x0000000000000000000000000000000000000000"}, {"decimals", 18}}},
           {"beta",
            {{"address", "0x0000000000000000000000000000000000000000"}, {"decimals", 18}}}}}},
        {{"id", "USDC"},
         {"decimals", 6},
         {"tokens",
          {{"alpha",
            {{"address", "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, {"decimals", 6}}}}}}}},
      {"epochs", {{"start_time", kStartTime}, {"seconds", kEpochSeconds}}}};
  return g.dump(2) + "\n";
}

inline Genesis parse_or_throw(const std::string& text) {
  auto g = parse_genesis(text);
  if (!g) throw std::runtime_error(g.error().message);
  return *g;
}

/// Four validators v1..v4 of weight 1, quorum 3.
inline Genesis four_validators(const std::string& network = "proofs-test") {
  return parse_or_throw(genesis_text(network, {1, 2, 3, 4}, {1, 1, 1, 1}, 3));
}

inline Hash32 hash_of_byte(uint8_t b) {
  Hash32 h;
  h.bytes.fill(b);
  return h;
}

/// A commitment for a 2-chain, 2-asset genesis with the schedule above that passes
/// check_commitment_content: end_time T_epoch, both cuts at or before it, and per asset custody
/// over the chains = liabilities total + pending over the chains. For epoch 7 it is the vectors'
/// two_chains_two_assets case with this genesis' network id.
inline EpochCommitment sample_commitment(const Genesis& g, uint64_t epoch = 7) {
  EpochCommitment c;
  c.network_id = g.network_id;
  c.epoch = epoch;
  c.previous = hash_of_byte(0x11);
  c.end_time = kStartTime + (epoch + 1) * kEpochSeconds;
  const ChainCut cuts[] = {{120, hash_of_byte(0x66), c.end_time - 1, 5, hash_of_byte(0x88)},
                           {4410, hash_of_byte(0x77), c.end_time - 9, 12, hash_of_byte(0x99)}};
  c.set_cuts(cuts);
  c.liabilities_roots = {hash_of_byte(0x22), hash_of_byte(0x33)};
  c.liabilities_totals = {Amount(900'000), Amount(2'400)};
  c.custody = {Amount(600'000), Amount(2'000), Amount(400'000), Amount(500)};
  c.pending = {Amount(0), Amount(100), Amount(100'000), Amount(0)};
  c.withdrawal_roots = {hash_of_byte(0x44), hash_of_byte(0x55)};
  return c;
}

inline nlohmann::json load_vector(const std::string& name) {
  std::ifstream in(std::string(RELAY_SOURCE_DIR) + "/tests/vectors/" + name);
  if (!in) throw std::runtime_error("cannot open tests/vectors/" + name);
  return nlohmann::json::parse(in);
}

inline std::vector<uint8_t> bytes_of(const std::string& hex) {
  auto v = relay::from_hex(hex);
  if (!v) throw std::runtime_error("bad hex in a vector: " + hex);
  return *v;
}

/// A fresh empty directory under the system temp dir, removed by the destructor.
// TempDir: tests/support/temp_dir.h (one definition for every test binary).

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs the built relayctl with `args` (already shell-quoted), capturing stdout and stderr.
inline CommandResult run_relayctl(const TempDir& dir, const std::string& args) {
  const std::string out = dir.file("stdout"), err = dir.file("stderr");
  std::string cmd =
      std::string(RELAY_BIN_DIR) + "/relayctl " + args + " >" + out + " 2>" + err + " </dev/null";
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_all(out);
  r.err = read_all(err);
  return r;
}

/// Skips the calling test unless relayctl is built and registers `command` (main.cpp is the
/// lead's; until it calls add_<command>_command the CLI tests cannot run).
#define RELAY_REQUIRE_RELAYCTL_COMMAND(dir, command)                                             \
  do {                                                                                           \
    if (!std::filesystem::exists(std::string(RELAY_BIN_DIR) + "/relayctl"))                      \
      GTEST_SKIP() << "relayctl is not built";                                                   \
    if (::relay::test::run_relayctl(dir, "--help").out.find(std::string(" ") + command) ==       \
        std::string::npos)                                                                       \
      GTEST_SKIP() << "relayctl does not register '" << command << "' yet (relay/cli/main.cpp)"; \
  } while (0)

}  // namespace relay::test
