// Genesis: the network's founding file (DESIGN.md "Network genesis"): validator set and quorum,
// chains with their vaults and finality rules, and assets with their per-chain tokens. Parsed
// once at start-up into this plain struct and passed to whoever needs it. Its SHA-256 (of the
// file's exact bytes) is the network id and the domain separator of every signature.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/result.h"
#include "vault/types.h"

namespace relay {

/// Canonical asset decimals and token decimals are at most this, so 10^d fits in 128 bits.
inline constexpr unsigned kMaxDecimals = 38;
/// An asset id's longest length (it is also checked by the vault contract, docs/contract.md).
inline constexpr size_t kMaxAssetIdLength = 32;

struct Validator {
  std::string name;
  std::array<uint8_t, 33> pubkey{};  // secp256k1, compressed
  uint64_t weight = 0;
};

/// When a block is final (docs/node.md "Genesis additions"): exactly one of the three is set.
struct Finality {
  bool finalized_tag = false;  // {"tag": "finalized"}: the chain's "finalized" block tag
  uint64_t confirmations = 0;  // {"confirmations": N}, N >= 1: N blocks on top of it
  bool instant = false;        // {"instant": true}: every block is final when it appears
                               // (confirmations is then 0: the head block itself is final)
};

struct ChainConfig {
  std::string name;
  ChainId chain_id;
  std::string kind;  // "evm"
  Address vault;
  Finality finality;
  uint64_t start_block = 0;  // the first block that can hold vault events (its deployment)
};

struct TokenConfig {
  size_t chain = 0;  // index into Genesis::chains
  Address address;   // the zero address is the chain's native coin
  unsigned decimals = 0;
};

struct AssetConfig {
  AssetId id;
  unsigned decimals = 0;
  std::vector<TokenConfig> tokens;  // in genesis chain order, at most one per chain
  const TokenConfig* token_on(size_t chain) const {
    for (const auto& t : tokens)
      if (t.chain == chain) return &t;
    return nullptr;
  }
};

/// The epoch schedule (docs/node.md "Epochs and the cut"): epoch e (from 0) ends at chain time
/// T_e = start_time + (e + 1) * seconds.
struct EpochSchedule {
  uint64_t start_time = 0;  // unix seconds, chain time
  uint64_t seconds = 0;     // an epoch's length in seconds, >= 1
  /// T_e in unix seconds; nullopt when it does not fit in 64 bits (no such epoch ever ends).
  std::optional<uint64_t> end_time(uint64_t epoch) const;
  bool operator==(const EpochSchedule&) const = default;
};

struct Genesis {
  std::string network;
  uint64_t quorum = 0;
  std::vector<Validator> validators;
  std::vector<ChainConfig> chains;  // genesis order is the canonical event order
  std::vector<AssetConfig> assets;
  /// "epochs": optional for the offline tools (relayctl replay numbers its batches itself);
  /// relayd refuses a genesis without it.
  std::optional<EpochSchedule> epochs;
  Hash32 network_id;  // SHA-256 of the file's bytes

  std::optional<size_t> chain_index(std::string_view name) const;
  std::optional<size_t> chain_index(ChainId id) const;
  std::optional<size_t> asset_index(std::string_view id) const;
};

/// Parses and validates a genesis file's text (docs/node.md "Genesis additions", docs/proofs.md
/// "Genesis and network id"): strict JSON (a repeated key or a syntax error is refused, the
/// latter with its line and column), every object's unknown fields refused. The error is
/// "genesis: <JSON path>: <reason>" ("genesis: chains[1].vault: must be 0x and 20 bytes of hex").
Result<Genesis> parse_genesis(std::string_view text);

}  // namespace relay
