// A synthetic, realistic event history for crash, determinism and CLI tests and for
// bench/state_bench.cpp: three chains, three assets with different decimals, many accounts, and
// a mix of mostly deposits, some withdrawal requests, claims of earlier requests, duplicates of
// earlier events, and a few events the rules reject. Deterministic for a given spec on any
// machine (its own splitmix64, no std distributions), so a log can be regenerated instead of
// stored. Header-only; test and bench code only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vault/event.h"
#include "vault/types.h"
#include "vault/vault.h"
#include "wire/event_log.h"

namespace relay::testing {

/// Chains alpha (31337), beta (31338), gamma (31339); assets ETH (18; native on all three),
/// USDC (6; 6 decimals on alpha and gamma, 18 on beta) and WBTC (8; alpha and beta only).
inline constexpr const char* kWorkloadGenesis = R"({
  "network": "relay-workload",
  "quorum": 2,
  "validators": [
    {"name": "v1", "pubkey": "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "weight": 1},
    {"name": "v2", "pubkey": "0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5", "weight": 1},
    {"name": "v3", "pubkey": "0x02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", "weight": 1}
  ],
  "chains": [
    {"name": "alpha", "chain_id": 31337, "kind": "evm", "vault": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "finality": {"confirmations": 2}},
    {"name": "beta", "chain_id": 31338, "kind": "evm", "vault": "0x5fbdb2315678afecb367f032d93f642f64180aa3", "finality": {"tag": "finalized"}},
    {"name": "gamma", "chain_id": 31339, "kind": "evm", "vault": "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", "finality": {"confirmations": 12}}
  ],
  "assets": [
    {"id": "ETH", "decimals": 18, "tokens": {
      "alpha": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18},
      "beta": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18},
      "gamma": {"address": "0x0000000000000000000000000000000000000000", "decimals": 18}}},
    {"id": "USDC", "decimals": 6, "tokens": {
      "alpha": {"address": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "decimals": 6},
      "beta": {"address": "0x1111111111111111111111111111111111111111", "decimals": 18},
      "gamma": {"address": "0x2222222222222222222222222222222222222222", "decimals": 6}}},
    {"id": "WBTC", "decimals": 8, "tokens": {
      "alpha": {"address": "0x2260fac5e5542a773aa44fbc8dfb2bbcdcd3e0e4", "decimals": 8},
      "beta": {"address": "0x3333333333333333333333333333333333333333", "decimals": 8}}}
  ]
})";

struct WorkloadSpec {
  uint64_t seed = 1;
  size_t accounts = 1000;
  size_t batches = 10;
  size_t events_per_batch = 1000;
  // Out of 1000 events: the rest are deposits.
  unsigned withdrawals_per_mille = 80;
  unsigned claims_per_mille = 50;
  unsigned duplicates_per_mille = 20;
  unsigned rejects_per_mille = 10;  // zero amounts, unknown tokens, unknown chains, precision
};

/// batches[k] is epoch k, each in canonical order (chain in genesis order, block, log index).
struct Workload {
  std::vector<std::vector<Event>> batches;
  size_t events() const {
    size_t n = 0;
    for (const auto& b : batches) n += b.size();
    return n;
  }
};

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform enough in [0, n) for test data.
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t s_;
};

inline AccountId workload_account(size_t i) {
  AccountId a;
  // A left-padded EVM-like address, as most real accounts are.
  for (int b = 0; b < 8; ++b)
    a.bytes[31 - b] = uint8_t(uint64_t(i * 0x9e3779b97f4a7c15ULL) >> (8 * b));
  a.bytes[12] = 0xa1;
  return a;
}

inline Workload make_workload(const WorkloadSpec& spec) {
  struct TokenInfo {
    const char* address;
    unsigned token_decimals;
  };
  // [chain][asset]; nullptr where the asset has no token on that chain.
  static const TokenInfo kTokens[3][3] = {
      {{"0x0000000000000000000000000000000000000000", 18},
       {"0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", 6},
       {"0x2260fac5e5542a773aa44fbc8dfb2bbcdcd3e0e4", 8}},
      {{"0x0000000000000000000000000000000000000000", 18},
       {"0x1111111111111111111111111111111111111111", 18},
       {"0x3333333333333333333333333333333333333333", 8}},
      {{"0x0000000000000000000000000000000000000000", 18},
       {"0x2222222222222222222222222222222222222222", 6},
       {nullptr, 0}},
  };
  static const char* kChains[3] = {"alpha", "beta", "gamma"};
  static const uint64_t kChainIds[3] = {31337, 31338, 31339};
  static const char* kAssets[3] = {"ETH", "USDC", "WBTC"};
  static const unsigned kAssetDecimals[3] = {18, 6, 8};
  // Canonical units per deposit "unit", so amounts look like real ones.
  static const char* kUnitSuffix[3] = {"000000000000000", "0000", "000"};

  SplitMix64 rng(spec.seed);
  Workload w;
  w.batches.resize(spec.batches);
  uint64_t next_block[3] = {100, 5000, 90000};
  uint32_t log_index[3] = {0, 0, 0};
  // What the generator believes each (account, asset) holds, in deposit units: requests draw
  // on it so that most are applied, as in real traffic.
  std::unordered_map<uint64_t, uint64_t> held;
  struct Request {
    Hash32 id;
    unsigned dest;
  };
  std::vector<Request> unclaimed;                   // requested in earlier batches
  std::vector<std::pair<unsigned, Event>> history;  // a sample of earlier events (chain, event)

  for (size_t b = 0; b < spec.batches; ++b) {
    std::vector<Event> per_chain[3];
    std::vector<Request> requested;
    // The next position on a chain: a few events per block, blocks moving forward.
    auto next_pos = [&](unsigned chain) {
      if (rng.below(4) == 0) {
        ++next_block[chain];
        log_index[chain] = 0;
      }
      return EventPosition{next_block[chain], log_index[chain]++};
    };
    for (size_t i = 0; i < spec.events_per_batch; ++i) {
      unsigned chain = unsigned(rng.below(3));
      const unsigned roll = unsigned(rng.below(1000));
      unsigned t = spec.duplicates_per_mille;
      if (roll < t && !history.empty()) {  // an earlier event observed again
        const auto& [c, e] = history[rng.below(history.size())];
        per_chain[c].push_back(e);
        continue;
      }
      Event e;
      t += spec.claims_per_mille;
      if (roll < t && !unclaimed.empty()) {  // claimed on its destination chain
        size_t k = rng.below(unclaimed.size());
        chain = unclaimed[k].dest;
        e.type = EventType::withdrawal_claimed;
        e.chain = kChains[chain];
        e.pos = next_pos(chain);
        e.withdrawal_id = unclaimed[k].id;
        unclaimed[k] = unclaimed.back();
        unclaimed.pop_back();
        per_chain[chain].push_back(e);
        continue;
      }
      const size_t account = rng.below(spec.accounts);
      e.account = workload_account(account);
      e.chain = kChains[chain];
      e.pos = next_pos(chain);
      t += spec.withdrawals_per_mille;
      if (roll < t) {
        const unsigned asset = unsigned(rng.below(3));
        uint64_t& have = held[account * 3 + asset];
        if (have > 0) {
          unsigned dest = unsigned(rng.below(3));
          if (!kTokens[dest][asset].address) dest = 0;
          const uint64_t units = 1 + rng.below(have);
          have -= units;
          e.type = EventType::withdrawal_request;
          e.asset = kAssets[asset];
          e.amount = std::to_string(units) + kUnitSuffix[asset];
          e.dest_chain = kChains[dest];
          for (size_t k = 0; k < 20; ++k) e.recipient.bytes[k] = e.account.bytes[12 + k];
          requested.push_back({withdrawal_id(ChainId{kChainIds[chain]}, e.pos), dest});
          per_chain[chain].push_back(e);
          continue;
        }
        // Nothing to withdraw: a deposit instead.
      }
      unsigned asset = unsigned(rng.below(3));
      if (!kTokens[chain][asset].address) asset = 0;
      const TokenInfo& tok = kTokens[chain][asset];
      const uint64_t units = 1 + rng.below(1000);
      e.type = EventType::deposit;
      e.token = *Address::from_hex(tok.address);
      e.amount = std::to_string(units) + kUnitSuffix[asset] +
                 std::string(tok.token_decimals - kAssetDecimals[asset], '0');
      t += spec.rejects_per_mille;
      if (roll < t) {  // one the rules reject
        switch (rng.below(4)) {
          case 0:  // zero_amount
            e.amount = "0";
            break;
          case 1:  // unknown_asset
            e.token.bytes[19] ^= 0x5a;
            break;
          case 2:  // unknown_chain
            e.chain = "delta";
            break;
          default:  // precision, where it can happen
            if (tok.token_decimals > kAssetDecimals[asset])
              e.amount += "1";
            else
              e.amount = "0";
        }
      } else {
        held[account * 3 + asset] += units;
      }
      if (rng.below(8) == 0) history.emplace_back(chain, e);
      per_chain[chain].push_back(std::move(e));
    }
    for (unsigned c = 0; c < 3; ++c) {
      std::stable_sort(per_chain[c].begin(), per_chain[c].end(),
                       [](const Event& x, const Event& y) { return x.pos < y.pos; });
      for (Event& e : per_chain[c]) w.batches[b].push_back(std::move(e));
    }
    unclaimed.insert(unclaimed.end(), requested.begin(), requested.end());
  }
  return w;
}

/// Writes the workload as a `relayctl replay` event log: batches separated by epoch lines.
inline bool write_event_log(const Workload& w, const std::string& path) {
  std::ofstream out(path);
  for (size_t b = 0; b < w.batches.size(); ++b) {
    if (b) out << "{\"type\":\"epoch\"}\n";
    for (const Event& e : w.batches[b]) out << event_to_json_line(e) << "\n";
  }
  return bool(out.flush());
}

}  // namespace relay::testing
