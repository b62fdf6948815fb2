// A two-chain genesis for the adapter's unit tests: alpha (31337, 2 confirmations) and beta
// (31338, the finalized tag), vaults 0x11…11 and 0x22…22.
#pragma once

#include <gtest/gtest.h>

#include "vault/genesis.h"

namespace relay::evm::testing {

inline const char* kGenesisText = R"({
  "network": "adapter-test", "quorum": 1,
  "validators": [{"name": "v1", "weight": 1,
    "pubkey": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"}],
  "chains": [
    {"name": "alpha", "chain_id": 31337, "kind": "evm",
     "vault": "0x1111111111111111111111111111111111111111", "finality": {"confirmations": 2}},
    {"name": "beta", "chain_id": 31338, "kind": "evm",
     "vault": "0x2222222222222222222222222222222222222222", "finality": {"tag": "finalized"}}],
  "assets": [{"id": "ETH", "decimals": 18, "tokens": {
    "alpha": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18}}}]
})";

inline Genesis test_genesis() {
  auto g = parse_genesis(kGenesisText);
  EXPECT_TRUE(g) << g.error().message;
  return *g;
}

}  // namespace relay::evm::testing
