#include "vault/genesis.h"

#include <nlohmann/json.hpp>
#include <set>

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
  static std::string join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }
};

struct PubkeyTag {};
using Pubkey = FixedBytes<33, PubkeyTag>;

}  // namespace

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
Result<Genesis> parse(std::string_view text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return fail("not valid JSON");
  if (!root.is_object()) return fail("must be a JSON object");

  Reader r;
  Genesis g;
  g.network = r.str(root, "", "network");
  const json* validators = r.array(root, "", "validators");
  uint64_t total_weight = 0;
  std::set<std::string> names;
  std::set<Pubkey> keys;
  for (size_t i = 0; validators && r.error.empty() && i < validators->size(); ++i) {
    std::string p = "validators[" + std::to_string(i) + "]";
    const json& v = (*validators)[i];
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

  const json* chains = r.array(root, "", "chains");
  std::set<uint64_t> chain_ids;
  names.clear();
  for (size_t i = 0; chains && r.error.empty() && i < chains->size(); ++i) {
    std::string p = "chains[" + std::to_string(i) + "]";
    const json& c = (*chains)[i];
    ChainConfig cc;
    cc.name = r.str(c, p, "name");
    cc.chain_id.value = r.uint(c, p, "chain_id", 1, UINT64_MAX);
    cc.kind = r.str(c, p, "kind");
    cc.vault = r.hex<Address>(c, p, "vault", "0x and 20 bytes of hex");
    const json* fin = r.field(c, p, "finality");
    if (!r.error.empty()) break;
    if (!is_identifier(cc.name))
      return fail(p + ".name: only letters, digits, '_', '.' and '-' are allowed");
    if (cc.kind != "evm") return fail(p + ".kind: unsupported chain kind \"" + cc.kind + "\"");
    if (fin->is_object() && fin->size() == 1 && fin->contains("tag")) {
      if ((*fin)["tag"] != "finalized")
        return fail(p + ".finality.tag: only \"finalized\" is supported");
      cc.finality.finalized_tag = true;
    } else if (fin->is_object() && fin->size() == 1 && fin->contains("confirmations")) {
      cc.finality.confirmations = r.uint(*fin, p + ".finality", "confirmations", 0, 1u << 20);
      if (!r.error.empty()) break;
    } else {
      return fail(p + ".finality: must be {\"tag\":\"finalized\"} or {\"confirmations\": n}");
    }
    if (!names.insert(cc.name).second) return fail(p + ".name: duplicate chain name");
    if (!chain_ids.insert(cc.chain_id.value).second)
      return fail(p + ".chain_id: duplicate chain id");
    g.chains.push_back(std::move(cc));
  }

  const json* assets = r.array(root, "", "assets");
  names.clear();
  std::set<std::pair<size_t, Address>> tokens_seen;
  for (size_t i = 0; assets && r.error.empty() && i < assets->size(); ++i) {
    std::string p = "assets[" + std::to_string(i) + "]";
    const json& a = (*assets)[i];
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
    // Tokens are kept in genesis chain order, whatever order the file lists them in.
    for (size_t ci = 0; ci < g.chains.size(); ++ci) {
      auto it = tokens->find(g.chains[ci].name);
      if (it == tokens->end()) continue;
      std::string tp = p + ".tokens." + g.chains[ci].name;
      TokenConfig t;
      t.chain = ci;
      t.address = r.hex<Address>(*it, tp, "address", "0x and 20 bytes of hex");
      t.decimals = static_cast<unsigned>(r.uint(*it, tp, "decimals", 0, kMaxDecimals));
      if (!r.error.empty()) break;
      if (!tokens_seen.insert({ci, t.address}).second)
        return fail(tp + ".address: token already registered for another asset on this chain");
      ac.tokens.push_back(t);
    }
    for (auto it = tokens->begin(); r.error.empty() && it != tokens->end(); ++it)
      if (!g.chain_index(it.key()))
        return fail(p + ".tokens." + it.key() + ": no chain of that name");
    g.assets.push_back(std::move(ac));
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
