// Shared test fixture: a three-chain genesis with assets of different decimals, and builders
// for events. Header-only so every test binary can include it.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "vault/event.h"
#include "vault/genesis.h"
#include "vault/sha256.h"

namespace relay {
// Readable values in gtest failure messages.
inline void PrintTo(const Amount& a, std::ostream* os) { *os << a.to_decimal(); }
template <size_t N, class Tag>
void PrintTo(const FixedBytes<N, Tag>& b, std::ostream* os) { *os << b.hex(); }
}  // namespace relay

namespace relay::test {

// Chains alpha (id 1), beta (id 2), gamma (id 3).
// ETH: 18 decimals; native coin on alpha and beta (18), not on gamma.
// USDC: 6 decimals; alpha token 0xaa.. (6), beta 0xbb.. (18), gamma 0xcc.. (2).
inline const char* kGenesisJson = R"({
  "network": "test-net",
  "quorum": 2,
  "validators": [
    {"name": "v1", "pubkey": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "weight": 1},
    {"name": "v2", "pubkey": "0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5", "weight": 1}
  ],
  "chains": [
    {"name": "alpha", "chain_id": 1, "kind": "evm", "vault": "0x1000000000000000000000000000000000000001", "finality": {"tag": "finalized"}},
    {"name": "beta", "chain_id": 2, "kind": "evm", "vault": "0x2000000000000000000000000000000000000002", "finality": {"confirmations": 3}},
    {"name": "gamma", "chain_id": 3, "kind": "evm", "vault": "0x3000000000000000000000000000000000000003", "finality": {"instant": true}}
  ],
  "assets": [
    {"id": "ETH", "decimals": 18, "tokens": {
      "alpha": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18},
      "beta": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18}}},
    {"id": "USDC", "decimals": 6, "tokens": {
      "alpha": {"address": "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "decimals": 6},
      "beta": {"address": "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "decimals": 18},
      "gamma": {"address": "0xcccccccccccccccccccccccccccccccccccccccc", "decimals": 2}}}
  ]
})";

inline Genesis test_genesis() {
  auto g = parse_genesis(kGenesisJson);
  if (!g) throw std::runtime_error(g.error().message);
  return *g;
}

inline const char* kEthToken = "0x0000000000000000000000000000000000000000";
inline const char* kUsdcAlpha = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline const char* kUsdcBeta = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
inline const char* kUsdcGamma = "0xcccccccccccccccccccccccccccccccccccccccc";
inline const char* kMax128 = "340282366920938463463374607431768211455";  // 2^128 - 1
inline const char* k2to128 = "340282366920938463463374607431768211456";  // 2^128

inline AccountId account(uint8_t n) {
  AccountId a;
  a.bytes[31] = n;
  a.bytes[12] = 0xee;
  return a;
}

inline Event deposit(const std::string& chain, uint64_t block, uint32_t log, const char* token,
                     AccountId who, const std::string& amount) {
  Event e;
  e.type = EventType::deposit;
  e.chain = chain;
  e.pos = {block, log};
  e.token = *Address::from_hex(token);
  e.account = who;
  e.amount = amount;
  return e;
}

inline Event withdraw(const std::string& chain, uint64_t block, uint32_t log, AccountId who,
                      const std::string& asset, const std::string& amount,
                      const std::string& dest) {
  Event e;
  e.type = EventType::withdrawal_request;
  e.chain = chain;
  e.pos = {block, log};
  e.account = who;
  e.asset = asset;
  e.amount = amount;
  e.dest_chain = dest;
  e.recipient = *Address::from_hex("0x00000000000000000000000000000000000000f1");
  return e;
}

/// event_identity() with a hasher of its own.
inline Hash32 identity(const Event& e) {
  Sha256 h;
  return event_identity(e, h);
}

inline Event claim(const std::string& chain, uint64_t block, uint32_t log, const Hash32& id) {
  Event e;
  e.type = EventType::withdrawal_claimed;
  e.chain = chain;
  e.pos = {block, log};
  e.withdrawal_id = id;
  return e;
}

}  // namespace relay::test
