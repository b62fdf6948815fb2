#include "vault/genesis.h"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>

#include "vault/json_strict.h"
#include "vault/sha256.h"

namespace relay {
namespace {
// Chain names and asset ids: non-empty, letters, digits, '_', '.' and '-' only.
bool is_identifier(const std::string& s) {
  return !s.empty() &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
             std::string::npos;
}

using json = nlohmann::json;

// Small typed accessors whose errors name the JSON path.
struct Reader {
  std::string error;

  const json* field(const json& obj, const std::string& path, const char* key) {
    if (!error.empty()) return nullptr;
    if (!obj.is_object()) {
      error = path + ": must be an object";
      return nullptr;
    }
    auto it = obj.find(key);
    if (it == obj.end()) {
      error = (path.empty() ? std::string(key) : path + "." + key) + ": missing";
      return nullptr;
    }
    return &*it;
  }
  std::string str(const json& obj, const std::string& path, const char* key) {
    const json* v = field(obj, path, key);
    if (!v) return {};
    if (!v->is_string() || v->get_ref<const std::string&>().empty()) {
      error = join(path, key) + ": must be a non-empty string";
      return {};
    }
    return v->get<std::string>();
  }
  uint64_t uint(const json& obj, const std::string& path, const char* key, uint64_t min,
                uint64_t max) {
    const json* v = field(obj, path, key);
    if (!v) return 0;
    if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0)) {
      error = join(path, key) + ": must be a non-negative integer";
      return 0;
    }
    uint64_t x = v->get<uint64_t>();
    if (x < min || x > max) {
      error = join(path, key) + ": must be between " + std::to_string(min) + " and " +
              std::to_string(max);
      return 0;
    }
    return x;
  }
  const json* array(const json& obj, const std::string& path, const char* key) {
    const json* v = field(obj, path, key);
    if (!v) return nullptr;
    if (!v->is_array() || v->empty()) {
      error = join(path, key) + ": must be a non-empty array";
      return nullptr;
    }
    return v;
  }
  template <class T>
  T hex(const json& obj, const std::string& path, const char* key, const char* what) {
    std::string s = str(obj, path, key);
    if (!error.empty()) return {};
    auto v = T::from_hex(s);
    if (!v) {
      error = join(path, key) + ": must be " + what;
      return {};
    }
    return *v;
  }
  // Refuses a field of `obj` not in `known` (a misspelt optional field must not be ignored).
  // An `obj` that is not an object is left for field() to report.
  void only(const json& obj, const std::string& path, std::initializer_list<const char*> known) {
    if (!error.empty() || !obj.is_object()) return;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool ok = false;
      for (const char* k : known) ok = ok || it.key() == k;
      if (!ok) {
        error = join(path, it.key().c_str()) + ": unknown field";
        return;
      }
    }
  }
  static std::string join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }
};

struct PubkeyTag {};
using Pubkey = FixedBytes<33, PubkeyTag>;

}  // namespace

std::optional<uint64_t> EpochSchedule::end_time(uint64_t epoch) const {
  uint64_t n = 0, span = 0, end = 0;
  if (__builtin_add_overflow(epoch, 1, &n) || __builtin_mul_overflow(n, seconds, &span) ||
      __builtin_add_overflow(start_time, span, &end))
    return std::nullopt;
  return end;
}

std::optional<size_t> Genesis::chain_index(std::string_view name) const {
  for (size_t i = 0; i < chains.size(); ++i)
    if (chains[i].name == name) return i;
  return std::nullopt;
}

std::optional<size_t> Genesis::chain_index(ChainId id) const {
  for (size_t i = 0; i < chains.size(); ++i)
    if (chains[i].chain_id == id) return i;
  return std::nullopt;
}

std::optional<size_t> Genesis::asset_index(std::string_view id) const {
  for (size_t i = 0; i < assets.size(); ++i)
    if (assets[i].id.value == id) return i;
  return std::nullopt;
}

namespace {
using Fail = std::unexpected<Error>;

// Each part fills `g` or returns the first error; Reader errors are collected in `r.error`.
Result<void> parse_validators(const json& root, Reader& r, Genesis& g) {
  const json* validators = r.array(root, "", "validators");
  uint64_t total_weight = 0;
  std::set<std::string> names;
  std::set<Pubkey> keys;
  for (size_t i = 0; validators && r.error.empty() && i < validators->size(); ++i) {
    std::string p = "validators[" + std::to_string(i) + "]";
    const json& v = (*validators)[i];
    r.only(v, p, {"name", "pubkey", "weight"});
    Validator val;
    val.name = r.str(v, p, "name");
    Pubkey pk = r.hex<Pubkey>(v, p, "pubkey", "0x and a 33-byte compressed secp256k1 key");
    val.weight = r.uint(v, p, "weight", 1, uint64_t{1} << 53);
    if (!r.error.empty()) break;
    if (pk.bytes[0] != 2 && pk.bytes[0] != 3)
      return fail(p + ".pubkey: not a compressed key (must start with 02 or 03)");
    if (!names.insert(val.name).second) return fail(p + ".name: duplicate validator name");
    if (!keys.insert(pk).second) return fail(p + ".pubkey: duplicate validator key");
    val.pubkey = pk.bytes;
    total_weight += val.weight;
    g.validators.push_back(std::move(val));
  }
  g.quorum = r.uint(root, "", "quorum", 1, UINT64_MAX);
  if (r.error.empty() && g.quorum > total_weight)
    return fail("quorum: " + std::to_string(g.quorum) + " exceeds the validators' total weight " +
                std::to_string(total_weight));
  return {};
}

// "epochs": {"start_time": unix seconds, "seconds": n >= 1}, optional.
Result<void> parse_epochs(const json& root, Reader& r, Genesis& g) {
  if (!r.error.empty() || !root.contains("epochs")) return {};
  const json& e = root["epochs"];
  r.only(e, "epochs", {"start_time", "seconds"});
  EpochSchedule s;
  s.start_time = r.uint(e, "epochs", "start_time", 0, UINT64_MAX);
  s.seconds = r.uint(e, "epochs", "seconds", 1, UINT64_MAX);
  if (!r.error.empty()) return {};
  if (!s.end_time(0))
    return fail("epochs: start_time + seconds exceeds 2^64 - 1: no epoch could ever end");
  g.epochs = s;
  return {};
}

// Exactly one of {"tag": "finalized"}, {"confirmations": N >= 1}, {"instant": true}.
Result<Finality> parse_finality(const json& fin, const std::string& p, Reader& r) {
  static const std::string kForms =
      ": must be one of {\"tag\": \"finalized\"}, {\"confirmations\": n} with n >= 1, or "
      "{\"instant\": true}";
  Finality f;
  if (!fin.is_object() || fin.size() != 1) return fail(p + kForms);
  if (fin.contains("tag")) {
    if (fin["tag"] != "finalized") return fail(p + ".tag: only \"finalized\" is supported");
    f.finalized_tag = true;
  } else if (fin.contains("confirmations")) {
    const json& n = fin["confirmations"];
    if (n.is_number_integer() && n.get<int64_t>() == 0)
      return fail(p + ".confirmations: must be at least 1; for a chain whose blocks are final "
                      "when they appear, write {\"instant\": true}");
    f.confirmations = r.uint(fin, p, "confirmations", 1, 1u << 20);
    if (!r.error.empty()) return fail(r.error);
  } else if (fin.contains("instant")) {
    if (fin["instant"] != true)
      return fail(p + ".instant: must be true (a chain without instant finality takes "
                      "{\"tag\": \"finalized\"} or {\"confirmations\": n})");
    f.instant = true;
  } else {
    return fail(p + kForms);
  }
  return f;
}

Result<void> parse_chains(const json& root, Reader& r, Genesis& g) {
  const json* chains = r.array(root, "", "chains");
  std::set<uint64_t> chain_ids;
  std::set<std::string> names;
  for (size_t i = 0; chains && r.error.empty() && i < chains->size(); ++i) {
    std::string p = "chains[" + std::to_string(i) + "]";
    const json& c = (*chains)[i];
    r.only(c, p, {"name", "chain_id", "kind", "vault", "finality", "start_block"});
    ChainConfig cc;
    cc.name = r.str(c, p, "name");
    cc.chain_id.value = r.uint(c, p, "chain_id", 1, UINT64_MAX);
    cc.kind = r.str(c, p, "kind");
    cc.vault = r.hex<Address>(c, p, "vault", "0x and 20 bytes of hex");
    if (r.error.empty() && c.contains("start_block"))
      cc.start_block = r.uint(c, p, "start_block", 0, UINT64_MAX);
    const json* fin = r.field(c, p, "finality");
    if (!r.error.empty()) break;
    if (!is_identifier(cc.name))
      return fail(p + ".name: only letters, digits, '_', '.' and '-' are allowed");
    if (cc.kind != "evm") return fail(p + ".kind: unsupported chain kind \"" + cc.kind + "\"");
    auto finality = parse_finality(*fin, p + ".finality", r);
    if (!finality) return Fail(finality.error());
    cc.finality = *finality;
    if (!names.insert(cc.name).second) return fail(p + ".name: duplicate chain name");
    if (!chain_ids.insert(cc.chain_id.value).second)
      return fail(p + ".chain_id: duplicate chain id");
    g.chains.push_back(std::move(cc));
  }
  return {};
}

Result<void> parse_assets(const json& root, Reader& r, Genesis& g) {
  const json* assets = r.array(root, "", "assets");
  std::set<std::string> names;
  std::set<std::pair<size_t, Address>> tokens_seen;
  for (size_t i = 0; assets && r.error.empty() && i < assets->size(); ++i) {
    std::string p = "assets[" + std::to_string(i) + "]";
    const json& a = (*assets)[i];
    r.only(a, p, {"id", "decimals", "tokens"});
    AssetConfig ac;
    ac.id.value = r.str(a, p, "id");
    ac.decimals = static_cast<unsigned>(r.uint(a, p, "decimals", 0, kMaxDecimals));
    const json* tokens = r.field(a, p, "tokens");
    if (!r.error.empty()) break;
    if (!tokens->is_object() || tokens->empty())
      return fail(p + ".tokens: must be a non-empty object keyed by chain name");
    // Withdrawal requests name the asset by this id, on chain too (docs/contract.md): the vault
    // contract accepts only such ids, so a request the relay could not read is refused there.
    if (!is_identifier(ac.id.value) || ac.id.value.size() > kMaxAssetIdLength)
      return fail(p + ".id: 1 to 32 letters, digits, '_', '.' or '-'");
    if (!names.insert(ac.id.value).second) return fail(p + ".id: duplicate asset id");
    for (auto it = tokens->begin(); it != tokens->end(); ++it)
      if (!g.chain_index(it.key())) return fail(p + ".tokens." + it.key() + ": no chain of that name");
    // Tokens are kept in genesis chain order, whatever order the file lists them in.
    for (size_t ci = 0; ci < g.chains.size(); ++ci) {
      auto it = tokens->find(g.chains[ci].name);
      if (it == tokens->end()) continue;
      std::string tp = p + ".tokens." + g.chains[ci].name;
      r.only(*it, tp, {"address", "decimals"});
      TokenConfig t;
      t.chain = ci;
      t.address = r.hex<Address>(*it, tp, "address", "0x and 20 bytes of hex");
      t.decimals = static_cast<unsigned>(r.uint(*it, tp, "decimals", 0, kMaxDecimals));
      if (!r.error.empty()) break;
      if (!tokens_seen.insert({ci, t.address}).second)
        return fail(tp + ".address: token already registered for another asset on this chain");
      ac.tokens.push_back(t);
    }
    g.assets.push_back(std::move(ac));
  }
  return {};
}

Result<Genesis> parse(std::string_view text) {
  auto parsed = parse_json_strict(text, "");
  if (!parsed) return Fail(parsed.error());
  const json& root = *parsed;
  if (!root.is_object()) return fail("must be a JSON object");

  Reader r;
  Genesis g;
  r.only(root, "", {"network", "validators", "quorum", "chains", "assets", "epochs"});
  g.network = r.str(root, "", "network");
  for (auto part : {parse_validators, parse_epochs, parse_chains, parse_assets}) {
    if (!r.error.empty()) break;
    if (auto ok = part(root, r, g); !ok) return Fail(ok.error());
  }
  if (!r.error.empty()) return fail(r.error);

  g.network_id = sha256(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  return g;
}
}  // namespace

Result<Genesis> parse_genesis(std::string_view text) {
  auto g = parse(text);
  if (!g) return fail("genesis: " + g.error().message);
  return g;
}

}  // namespace relay
