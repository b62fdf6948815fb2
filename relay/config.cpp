#include "relay/config.h"

#include <toml++/toml.h>
#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

#include "relay/genesis_file.h"
#include "wire/curve_key.h"

namespace relay::node {
namespace {

namespace fs = std::filesystem;

std::string type_name(const toml::node& n) {
  std::ostringstream s;
  s << n.type();
  return s.str();
}

// Walks the parsed file, collecting one error line per problem.
class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {
    base_ = fs::path(file_).parent_path();
  }

  void error(const toml::source_region& at, const std::string& key, const std::string& why) {
    std::string where = file_;
    if (at.begin)
      where += ":" + std::to_string(at.begin.line) + ":" + std::to_string(at.begin.column);
    errors_.push_back({at.begin.line, at.begin.column, where + ": " + key + ": " + why});
  }
  void error(const toml::node* at, const std::string& key, const std::string& why) {
    error(at ? at->source() : toml::source_region{}, key, why);
  }
  /// Every error, one per line, in the file's order.
  std::string errors() const {
    std::vector<Problem> sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
      return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    std::string all;
    for (const auto& e : sorted) all += (all.empty() ? "" : "\n") + e.text;
    return all;
  }

  /// Refuses every key of `t` not in `known`, naming the ones it takes.
  void known_keys(const toml::table& t, const std::string& path,
                  std::initializer_list<std::string_view> known) {
    for (auto&& entry : t) {
      const toml::key& k = entry.first;
      if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
      std::string list;
      for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      error(k.source(), join(path, k.str()),
            "unknown key (" + (path.empty() ? "the file" : path) + " takes " + list + ")");
    }
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  const toml::table* table(const toml::table& parent, std::string_view key, const std::string& path,
                           bool required) {
    const toml::node* n = parent.get(key);
    if (!n) {
      if (required) error(&parent, join(path, key), "missing section [" + join(path, key) + "]");
      return nullptr;
    }
    if (!n->is_table()) {
      error(n, join(path, key), "must be a table, not " + type_name(*n));
      return nullptr;
    }
    return n->as_table();
  }

  std::optional<std::string> string(const toml::table& t, std::string_view key,
                                    const std::string& path, bool required,
                                    const char* what = nullptr) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required)
        error(&t, join(path, key),
              std::string("missing") + (what ? std::string(" (") + what + ")" : ""));
      return std::nullopt;
    }
    if (!n->is_string()) {
      error(n, join(path, key), "must be a string, not " + type_name(*n));
      return std::nullopt;
    }
    std::string v = n->as_string()->get();
    if (v.empty()) {
      error(n, join(path, key), "must not be empty");
      return std::nullopt;
    }
    return v;
  }

  /// An integer in [lo, hi], or `fallback` when absent.
  std::optional<uint64_t> integer(const toml::table& t, std::string_view key,
                                  const std::string& path, uint64_t lo, uint64_t hi,
                                  uint64_t fallback) {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_integer()) {
      error(n, join(path, key), "must be an integer, not " + type_name(*n));
      return std::nullopt;
    }
    const int64_t v = n->as_integer()->get();
    if (v < 0 || uint64_t(v) < lo || uint64_t(v) > hi) {
      error(n, join(path, key),
            std::to_string(v) + " is out of range (" + std::to_string(lo) + " to " +
                std::to_string(hi) + ")");
      return std::nullopt;
    }
    return uint64_t(v);
  }

  struct Element {
    std::string value;
    const toml::node* at;
    std::string key;  // "path.key[i]"
  };
  /// An array of non-empty strings; each bad element is reported as key[i] and left out.
  std::vector<Element> strings(const toml::table& t, std::string_view key,
                               const std::string& path) {
    std::vector<Element> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    if (!n->is_array()) {
      error(n, join(path, key), "must be an array of strings, not " + type_name(*n));
      return out;
    }
    const toml::array& a = *n->as_array();
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string at = join(path, key) + "[" + std::to_string(i) + "]";
      if (!a[i].is_string()) {
        error(&a[i], at, "must be a string, not " + type_name(a[i]));
      } else if (a[i].as_string()->get().empty()) {
        error(&a[i], at, "must not be empty");
      } else {
        out.push_back({a[i].as_string()->get(), &a[i], at});
      }
    }
    return out;
  }

  /// A path in the file, resolved against the file's folder.
  std::string resolve(const std::string& p) const {
    if (fs::path(p).is_absolute() || base_.empty()) return p;
    return (base_ / p).lexically_normal().string();
  }

 private:
  struct Problem {
    toml::source_index line, column;
    std::string text;
  };
  std::string file_;
  fs::path base_;
  std::vector<Problem> errors_;
};

// "host:port" or "[v6]:port"; port in [min_port, 65535].
std::optional<ListenAddress> parse_host_port(std::string_view s, uint16_t min_port) {
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return std::nullopt;
  std::string host(s.substr(0, colon));
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return std::nullopt;  // an IPv6 address goes in brackets
  }
  uint32_t port = 0;
  for (char c : s.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return std::nullopt;
    port = port * 10 + uint32_t(c - '0');
  }
  if (port < min_port || port > 65535) return std::nullopt;
  return ListenAddress{host, uint16_t(port)};
}

bool is_tcp_endpoint(std::string_view s) {
  return s.starts_with("tcp://") && parse_host_port(s.substr(6), 1).has_value();
}

// A CURVE public key as ZeroMQ writes it: 40 characters of Z85 (32 bytes).
bool is_z85_key(const std::string& s) { return net::curve_public_key_from_z85(s).has_value(); }

bool is_http_url(std::string_view s) {
  for (std::string_view scheme : {"http://", "https://"})
    if (s.starts_with(scheme) && s.size() > scheme.size() && s[scheme.size()] != '/') return true;
  return false;
}

std::optional<LogLevel> log_level_of(std::string_view s) {
  for (LogLevel l :
       {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError})
    if (s == to_string(l)) return l;
  return std::nullopt;
}

void parse_node(Parser& p, const toml::table& t, NodeConfig& c) {
  const std::string path = "node";
  p.known_keys(t, path,
               {"genesis", "data", "validator_key", "curve_key", "log_level", "log_format"});
  NodeSection& n = c.node;
  if (auto v = p.string(t, "genesis", path, true, "the network genesis file"))
    n.genesis = p.resolve(*v);
  if (auto v = p.string(t, "data", path, true, "the data folder")) n.data = p.resolve(*v);
  if (auto v = p.string(t, "validator_key", path, true, "relayctl keygen's key file"))
    n.validator_key = p.resolve(*v);
  if (auto v = p.string(t, "curve_key", path, false)) n.curve_key = p.resolve(*v);
  if (auto v = p.string(t, "log_level", path, false)) {
    if (auto l = log_level_of(*v))
      n.log_level = *l;
    else
      p.error(t.get("log_level"), "node.log_level",
              "\"" + *v + "\" is not one of trace, debug, info, warn, error");
  }
  if (auto v = p.string(t, "log_format", path, false)) {
    if (*v == "text")
      n.log_format = LogFormat::kText;
    else if (*v == "json")
      n.log_format = LogFormat::kJson;
    else
      p.error(t.get("log_format"), "node.log_format", "\"" + *v + "\" is not \"text\" or \"json\"");
  }
}

void parse_http(Parser& p, const toml::table& t, NodeConfig& c) {
  p.known_keys(t, "http", {"listen"});
  auto v = p.string(t, "listen", "http", true, "host:port");
  if (!v) return;
  if (auto a = parse_host_port(*v, 0))
    c.http = *a;
  else
    p.error(t.get("listen"), "http.listen", "\"" + *v + "\" is not host:port (port 0 to 65535)");
}

void parse_peers(Parser& p, const toml::table& t, NodeConfig& c) {
  p.known_keys(t, "peers", {"listen", "peer"});
  PeersSection s;
  if (auto v = p.string(t, "listen", "peers", true, "tcp://host:port")) {
    if (is_tcp_endpoint(*v))
      s.listen = *v;
    else
      p.error(t.get("listen"), "peers.listen", "\"" + *v + "\" is not tcp://host:port");
  }
  if (const toml::node* list = t.get("peer")) {
    const toml::array* a = list->as_array();
    if (!a || !a->is_array_of_tables()) {
      p.error(list, "peers.peer", "must be [[peers.peer]] tables");
      a = nullptr;
    }
    std::set<std::string> names, addresses, keys;
    for (size_t i = 0; a && i < a->size(); ++i) {
      const toml::table& e = *(*a)[i].as_table();
      const std::string path = "peers.peer[" + std::to_string(i) + "]";
      p.known_keys(e, path, {"name", "address", "curve_public_key"});
      PeerEntry peer;
      if (auto v = p.string(e, "name", path, true)) {
        if (!names.insert(*v).second)
          p.error(e.get("name"), path + ".name", "\"" + *v + "\" is named twice");
        peer.name = *v;
      }
      if (auto v = p.string(e, "address", path, true, "tcp://host:port")) {
        if (!is_tcp_endpoint(*v))
          p.error(e.get("address"), path + ".address", "\"" + *v + "\" is not tcp://host:port");
        else if (!addresses.insert(*v).second)
          p.error(e.get("address"), path + ".address", "\"" + *v + "\" is listed twice");
        peer.address = *v;
      }
      if (auto v =
              p.string(e, "curve_public_key", path, true, "the peer's CURVE public key, Z85")) {
        if (!is_z85_key(*v))
          p.error(e.get("curve_public_key"), path + ".curve_public_key",
                  "not a CURVE public key (40 characters of Z85)");
        else if (!keys.insert(*v).second)
          p.error(e.get("curve_public_key"), path + ".curve_public_key",
                  "the same key as another peer's");
        peer.curve_public_key = *v;
      }
      s.peers.push_back(std::move(peer));
    }
  }
  c.peers = std::move(s);
}

// The keys each adapter kind takes; the others are refused naming the kind they belong to.
void refuse_keys_of_other_kind(Parser& p, const toml::table& t, const std::string& path,
                               AdapterKind kind) {
  static constexpr std::string_view kEvmOnly[] = {"rpc", "rpc_files", "agree", "publisher_key"};
  static constexpr std::string_view kExternalOnly[] = {"endpoint", "adapter_curve_public_key"};
  const bool evm = kind == AdapterKind::kEvm;
  for (std::string_view k : evm ? std::span<const std::string_view>(kExternalOnly)
                                : std::span<const std::string_view>(kEvmOnly))
    if (const toml::node* n = t.get(k))
      p.error(n, Parser::join(path, k),
              std::string("only for adapter = \"") + (evm ? "external" : "evm") + "\"");
}

void parse_evm_chain(Parser& p, const toml::table& t, const std::string& path, ChainSection& ch) {
  for (const auto& e : p.strings(t, "rpc", path)) {
    if (!is_http_url(e.value))  // the URL itself is not repeated: it may hold credentials
      p.error(e.at, e.key, "not an http:// or https:// URL");
    ch.rpc.push_back(e.value);
  }
  for (const auto& e : p.strings(t, "rpc_files", path)) ch.rpc_files.push_back(p.resolve(e.value));
  const size_t endpoints = ch.rpc.size() + ch.rpc_files.size();
  if (!t.get("rpc") && !t.get("rpc_files"))
    p.error(&t, path + ".rpc", "missing: an evm chain needs rpc = [\"http://...\"] or rpc_files");
  if (auto v = p.integer(t, "agree", path, 1, std::max<size_t>(endpoints, 1), 1))
    ch.agree = uint32_t(*v);
  if (auto v = p.string(t, "publisher_key", path, false)) ch.publisher_key = p.resolve(*v);
}

void parse_external_chain(Parser& p, const toml::table& t, const std::string& path,
                          ChainSection& ch) {
  auto endpoint = p.string(t, "endpoint", path, true, "tcp://host:port or ipc://path");
  const bool tcp = endpoint && is_tcp_endpoint(*endpoint);
  if (endpoint) {
    if (!tcp && !(endpoint->starts_with("ipc://") && endpoint->size() > 6))
      p.error(t.get("endpoint"), path + ".endpoint",
              "\"" + *endpoint + "\" is not tcp://host:port or ipc://path");
    ch.endpoint = *endpoint;
  }
  auto key = p.string(t, "adapter_curve_public_key", path, tcp,
                      "required for a tcp endpoint: the adapter's CURVE public key, Z85");
  if (key && !tcp && endpoint)
    p.error(t.get("adapter_curve_public_key"), path + ".adapter_curve_public_key",
            "only for a tcp endpoint (an ipc endpoint is guarded by the file's permissions)");
  else if (key && !is_z85_key(*key))
    p.error(t.get("adapter_curve_public_key"), path + ".adapter_curve_public_key",
            "not a CURVE public key (40 characters of Z85)");
  if (key) ch.adapter_curve_public_key = *key;
}

void parse_chains(Parser& p, const toml::table& t, NodeConfig& c) {
  if (t.empty()) p.error(&t, "chains", "no chain: add a [chains.NAME] section per genesis chain");
  for (auto&& [name, node] : t) {
    const std::string path = "chains." + std::string(name.str());
    if (!node.is_table()) {
      p.error(&node, path, "must be a table [" + path + "], not " + type_name(node));
      continue;
    }
    const toml::table& ct = *node.as_table();
    p.known_keys(ct, path,
                 {"adapter", "rpc", "rpc_files", "agree", "publisher_key", "endpoint",
                  "adapter_curve_public_key", "publish_heartbeat_epochs", "publish_grace_seconds"});
    ChainSection ch;
    ch.name = name.str();
    auto adapter = p.string(ct, "adapter", path, true, "\"evm\" or \"external\"");
    if (adapter && *adapter != "evm" && *adapter != "external") {
      p.error(ct.get("adapter"), path + ".adapter",
              "\"" + *adapter + "\" is not \"evm\" or \"external\"");
      adapter.reset();
    }
    if (adapter) {
      ch.adapter = *adapter == "evm" ? AdapterKind::kEvm : AdapterKind::kExternal;
      refuse_keys_of_other_kind(p, ct, path, ch.adapter);
      if (ch.adapter == AdapterKind::kEvm)
        parse_evm_chain(p, ct, path, ch);
      else
        parse_external_chain(p, ct, path, ch);
    }
    if (auto v = p.integer(ct, "publish_heartbeat_epochs", path, 1, UINT32_MAX, 60))
      ch.publish_heartbeat_epochs = *v;
    if (auto v = p.integer(ct, "publish_grace_seconds", path, 0, 86400, 30))
      ch.publish_grace_seconds = *v;
    c.chains.push_back(std::move(ch));
  }
}

}  // namespace

const char* to_string(LogLevel l) {
  switch (l) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}
const char* to_string(LogFormat f) { return f == LogFormat::kJson ? "json" : "text"; }
const char* to_string(AdapterKind k) { return k == AdapterKind::kEvm ? "evm" : "external"; }

Result<NodeConfig> parse_config(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return fail(path + ":" + std::to_string(e.source().begin.line) + ":" +
                std::to_string(e.source().begin.column) +
                ": not TOML: " + std::string(e.description()));
  }
  Parser p(path);
  NodeConfig c;
  c.path = path;
  p.known_keys(root, "", {"node", "http", "peers", "chains"});
  if (const toml::table* t = p.table(root, "node", "", true)) parse_node(p, *t, c);
  if (const toml::table* t = p.table(root, "http", "", false)) parse_http(p, *t, c);
  if (const toml::table* t = p.table(root, "peers", "", false)) parse_peers(p, *t, c);
  if (const toml::table* t = p.table(root, "chains", "", true)) parse_chains(p, *t, c);
  const bool tcp_adapter =
      std::any_of(c.chains.begin(), c.chains.end(), [](const ChainSection& ch) {
        return ch.adapter == AdapterKind::kExternal && ch.endpoint.starts_with("tcp://");
      });
  if (c.node.curve_key.empty() && (c.peers || tcp_adapter) && root.get("node"))
    p.error(root.get("node"), "node.curve_key",
            std::string("missing: ") + (c.peers ? "[peers]" : "an adapter on a tcp endpoint") +
                " needs the node's CURVE key file (relayctl curve-keygen)");
  if (std::string all = p.errors(); !all.empty()) return fail(all);
  return c;
}

Result<NodeConfig> read_config(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) return fail("config " + text.error().message);
  return parse_config(*text, path);
}

}  // namespace relay::node
