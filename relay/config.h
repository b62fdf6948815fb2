// NodeConfig: relayd's node.toml (docs/node.md "Configuration") as plain structs, parsed once at
// start-up with toml++ and passed to whoever needs a part of it (STYLE.md point 8).
// parse_config checks the file's shape: every key known (a misspelt key is an error, never
// ignored), every value of its type and range, the sections each adapter kind needs and only
// those. check_config (relay/config_check.h) then checks it against the disk: the files it names,
// the keys in them, the genesis. Every error names the file, line, key path
// ("chains.alpha.rpc[1]") and the reason; all of them are reported at once.
// Paths in the file are relative to the file's folder and are stored resolved. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vault/result.h"

namespace relay::node {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };
enum class LogFormat { kText, kJson };

struct NodeSection {
  std::string genesis;        // path of the network genesis (JSON)
  std::string data;           // the data folder (relay/data_folder.h)
  std::string validator_key;  // relayctl keygen's key file
  std::string curve_key;      // the node's CURVE key file (secret + public, Z85)
  LogLevel log_level = LogLevel::kInfo;
  LogFormat log_format = LogFormat::kText;
};

/// An address to listen on: "host:port" (IPv4, a name, or "[IPv6]"); port 0 lets the system
/// choose.
struct ListenAddress {
  std::string host;
  uint16_t port = 0;
};

struct PeerEntry {
  std::string name;
  std::string address;           // tcp://host:port
  std::string curve_public_key;  // Z85, 40 characters
};

struct PeersSection {
  std::string listen;  // tcp://host:port
  std::vector<PeerEntry> peers;
};

enum class AdapterKind { kEvm, kExternal };

struct ChainSection {
  std::string name;  // the genesis chain name (the [chains.NAME] table)
  AdapterKind adapter = AdapterKind::kEvm;
  // adapter = "evm": the built-in adapter, run as a child process.
  std::vector<std::string> rpc;        // http(s) URLs
  std::vector<std::string> rpc_files;  // files whose first line is a URL (for URLs with secrets)
  uint32_t agree = 1;                  // how many RPCs must give the same answer
  std::optional<std::string> publisher_key;  // key file of the account that sends commitEpoch
  // adapter = "external": an adapter that connects to this endpoint.
  std::string endpoint;                  // tcp://host:port or ipc://path
  std::string adapter_curve_public_key;  // Z85; required for a tcp endpoint
  // Publishing (docs/node.md "Publishing"), for either kind.
  uint64_t publish_heartbeat_epochs = 60;
  uint64_t publish_grace_seconds = 30;
};

struct NodeConfig {
  std::string path;  // the file it was read from
  NodeSection node;
  std::optional<ListenAddress> http;  // [http]; no HTTP server without it
  std::optional<PeersSection> peers;  // [peers]; a node without peers signs alone
  std::vector<ChainSection> chains;   // in the file's order
};

/// Parses node.toml's text. `path` names the file in errors and gives the folder relative
/// paths are resolved against. The error holds one line per problem:
/// "PATH:LINE:COLUMN: KEY: REASON".
Result<NodeConfig> parse_config(std::string_view text, const std::string& path);

/// Reads and parses the file at `path` (parse_config).
Result<NodeConfig> read_config(const std::string& path);

const char* to_string(LogLevel l);
const char* to_string(LogFormat f);
const char* to_string(AdapterKind k);

}  // namespace relay::node
