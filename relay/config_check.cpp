#include "relay/config_check.h"

#include <filesystem>
#include <sstream>

#include "adapters/evm/http_transport.h"
#include "relay/genesis_file.h"
#include "wire/curve_key.h"

namespace relay::node {
namespace {

namespace fs = std::filesystem;

class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void add(const std::string& key, const std::string& why) {
    lines_ += (lines_.empty() ? "" : "\n") + file_ + ": " + key + ": " + why;
  }
  bool empty() const { return lines_.empty(); }
  const std::string& text() const { return lines_; }

 private:
  std::string file_;
  std::string lines_;
};

// The first line of an rpc_files entry, checked to be a URL (never repeated in a message).
Result<void> check_rpc_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) return std::unexpected(text.error());
  std::string url = text->substr(0, text->find('\n'));
  while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    return fail(path + ": the first line is not an http:// or https:// URL");
  return {};
}

// The validator key and its index in the genesis.
std::optional<std::pair<ValidatorKey, size_t>> check_validator_key(const NodeConfig& n,
                                                                   const Genesis& g, Problems& p) {
  auto key = load_key_file(n.node.validator_key);
  if (!key) {
    p.add("node.validator_key", key.error().message);
    return std::nullopt;
  }
  for (size_t i = 0; i < g.validators.size(); ++i)
    if (std::equal(g.validators[i].pubkey.begin(), g.validators[i].pubkey.end(),
                   key->public_key.bytes.begin()))
      return std::pair{*key, i};
  p.add("node.validator_key", n.node.validator_key + ": its public key " + key->public_key.hex() +
                                  " (address " + key->address.hex() +
                                  ") is not a validator of the genesis");
  return std::nullopt;
}

// Puts the chains in genesis order, reporting sections that name no genesis chain and genesis
// chains without a section; loads the publisher keys and checks the rpc files.
// Also returns the publisher keys, per chain in genesis order.
std::vector<std::optional<ValidatorKey>> check_chains(NodeConfig& config, const Genesis& genesis,
                                                      Problems& p) {
  std::vector<std::optional<ValidatorKey>> publisher_keys;
  std::vector<ChainSection> ordered(genesis.chains.size());
  std::vector<bool> seen(genesis.chains.size(), false);
  std::string names;
  for (const auto& g : genesis.chains) names += (names.empty() ? "" : ", ") + g.name;
  for (ChainSection& ch : config.chains) {
    auto i = genesis.chain_index(ch.name);
    if (!i) {
      p.add("chains." + ch.name, "not a chain of the genesis (its chains: " + names + ")");
      continue;
    }
    seen[*i] = true;
    ordered[*i] = std::move(ch);
  }
  for (size_t i = 0; i < seen.size(); ++i)
    if (!seen[i])
      p.add("chains." + genesis.chains[i].name,
            "missing: every genesis chain needs a [chains." + genesis.chains[i].name + "] section");
  config.chains = std::move(ordered);
  publisher_keys.assign(config.chains.size(), std::nullopt);
  for (size_t i = 0; i < config.chains.size(); ++i) {
    const ChainSection& ch = config.chains[i];
    if (!seen[i]) continue;
    const std::string path = "chains." + ch.name;
    if (ch.adapter == AdapterKind::kEvm && genesis.chains[i].kind != "evm")
      p.add(path + ".adapter", "\"evm\" for a chain of kind \"" + genesis.chains[i].kind + "\"");
    for (size_t f = 0; f < ch.rpc_files.size(); ++f)
      if (auto ok = check_rpc_file(ch.rpc_files[f]); !ok)
        p.add(path + ".rpc_files[" + std::to_string(f) + "]", ok.error().message);
    if (ch.publisher_key) {
      auto key = load_key_file(*ch.publisher_key);
      if (!key)
        p.add(path + ".publisher_key", key.error().message);
      else
        publisher_keys[i] = *key;
    }
  }
  return publisher_keys;
}

}  // namespace

Result<LoadedConfig> load_config(const std::string& path) {
  auto config = read_config(path);
  if (!config) return std::unexpected(config.error());
  Problems p(path);
  const NodeSection& n = config->node;
  if (!n.curve_key.empty())
    if (auto ok = net::load_curve_key_file(n.curve_key); !ok) p.add("node.curve_key", ok.error().message);
  std::error_code ec;
  if (fs::exists(n.data, ec) && !fs::is_directory(n.data, ec))
    p.add("node.data", n.data + " is not a folder");
  auto genesis = read_genesis_file(n.genesis);
  if (!genesis) {
    p.add("node.genesis", genesis.error().message);
    return fail(p.text());
  }
  if (!genesis->epochs)
    p.add("node.genesis", n.genesis + ": no \"epochs\" {\"start_time\", \"seconds\"}: relayd cuts epochs by them");
  auto key = check_validator_key(*config, *genesis, p);
  auto publisher_keys = check_chains(*config, *genesis, p);
  if (!p.empty()) return fail(p.text());
  return LoadedConfig{std::move(*config), std::move(*genesis), key->first, key->second,
                      std::move(publisher_keys)};
}

std::string describe(const LoadedConfig& c) {
  const NodeConfig& n = c.config;
  const Genesis& g = c.genesis;
  std::ostringstream s;
  s << "config      " << n.path << "\n"
    << "genesis     " << n.node.genesis << ": network \"" << g.network << "\", id "
    << g.network_id.hex() << ", " << g.validators.size() << " validators, quorum " << g.quorum
    << ", epochs of " << g.epochs->seconds << " s from " << g.epochs->start_time << "\n"
    << "validator   " << g.validators[c.validator_index].name << " (address "
    << c.validator_key.address.hex() << ", weight " << g.validators[c.validator_index].weight
    << ")\n"
    << "data        " << n.node.data << "\n"
    << "log         " << to_string(n.node.log_level) << ", " << to_string(n.node.log_format)
    << "\n";
  if (n.http)
    s << "http        " << n.http->host << ":" << n.http->port << "\n";
  else
    s << "http        (none)\n";
  if (n.peers) {
    s << "peers       listen " << n.peers->listen << ", " << n.peers->peers.size() << " peer(s)\n";
    for (const PeerEntry& p : n.peers->peers)
      s << "  peer      " << p.name << " at " << p.address << ", CURVE key " << p.curve_public_key
        << "\n";
  } else {
    s << "peers       (none: this node signs alone)\n";
  }
  for (size_t i = 0; i < n.chains.size(); ++i) {
    const ChainSection& ch = n.chains[i];
    s << "chain       " << ch.name << " (chain id " << g.chains[i].chain_id.value << "): adapter "
      << to_string(ch.adapter);
    if (ch.adapter == AdapterKind::kEvm) {
      s << ", " << ch.rpc.size() + ch.rpc_files.size() << " RPC(s), agree " << ch.agree << "\n";
      for (const std::string& url : ch.rpc)
        s << "  rpc       " << evm::redacted_url_label(url) << "\n";
      for (const std::string& f : ch.rpc_files) s << "  rpc_file  " << f << "\n";
      if (c.publisher_keys[i])
        s << "  publisher " << c.publisher_keys[i]->address.hex() << "\n";
      else
        s << "  publisher (none: this node does not publish on " << ch.name << ")\n";
    } else {
      s << " at " << ch.endpoint << "\n";
    }
    s << "  publish   heartbeat every " << ch.publish_heartbeat_epochs << " epochs, grace "
      << ch.publish_grace_seconds << " s\n";
  }
  return s.str();
}

}  // namespace relay::node
