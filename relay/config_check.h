// Loading relayd's configuration for a start: node.toml parsed (relay/config.h), then checked
// against the disk before anything starts (docs/node.md "Configuration"): the genesis is read
// and parsed; the validator key is loaded (proofs/keys_file.h: mode 0600, consistent) and must
// be a validator of that genesis; every publisher key is loaded; the CURVE key file is loaded
// (wire/curve_key.h: mode 0600, its public key its secret's); every rpc_files entry must be
// readable and start with an http(s) URL; the [chains.NAME] sections must name exactly the
// genesis chains. Every error names the file, the key and the reason; all are reported.
// describe() is what `relayd --check-config` prints: what was found, never a secret (no key,
// and of an RPC URL only scheme://host[:port]).
// Plain values; the secret keys it holds wipe themselves (proofs/keys.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "proofs/keys_file.h"
#include "relay/config.h"
#include "vault/genesis.h"
#include "vault/result.h"

namespace relay::node {

struct LoadedConfig {
  NodeConfig config;  // its chains in genesis order (chains[i] is genesis.chains[i])
  Genesis genesis;
  ValidatorKey validator_key;
  size_t validator_index = 0;                               // into genesis.validators
  std::vector<std::optional<ValidatorKey>> publisher_keys;  // per chain, when configured
};

/// read_config, then the checks above. The error holds one line per problem.
Result<LoadedConfig> load_config(const std::string& path);

/// A multi-line, human-readable account of the configuration, without secrets.
std::string describe(const LoadedConfig& c);

}  // namespace relay::node
