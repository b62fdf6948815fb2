#include "proofs/inclusion_proof_codec.h"

#include <cstring>
#include <set>
#include <stdexcept>
#include <string>

namespace relay::proofs {
namespace {

using nlohmann::json;

std::string amount_str(Amount a) { return a.to_decimal(); }

// Refuses keys the format does not define: a verifier must not accept unused elements.
Result<void> only_keys(const json& j, const std::string& where, std::set<std::string> allowed) {
  if (!j.is_object()) return fail(where + ": not an object");
  for (const auto& [k, v] : j.items())
    if (!allowed.contains(k)) return fail(where + (where.empty() ? "" : ".") + k + ": unknown field");
  return {};
}

Result<const json*> field(const json& j, const std::string& where, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return fail(where + name + ": missing");
  return &*it;
}

Result<std::string> string_field(const json& j, const std::string& where, const char* name) {
  auto f = field(j, where, name);
  if (!f) return std::unexpected(f.error());
  if (!(*f)->is_string()) return fail(where + name + ": not a string");
  return (*f)->get<std::string>();
}

template <class T>
Result<T> hex_field(const json& j, const std::string& where, const char* name) {
  auto s = string_field(j, where, name);
  if (!s) return std::unexpected(s.error());
  auto v = T::from_hex(*s);
  if (!v) return fail(where + name + ": not 0x and " + std::to_string(2 * T::size()) + " hex digits");
  return *v;
}

Result<Amount> amount_field(const json& j, const std::string& where, const char* name) {
  auto s = string_field(j, where, name);
  if (!s) return std::unexpected(s.error());
  auto v = Amount::from_decimal(*s);
  if (!v) return fail(where + name + ": not a decimal string below 2^128");
  return *v;
}

void put_amount(std::vector<uint8_t>& out, Amount a) {
  uint8_t b[16];
  a.to_be_bytes(b);
  out.insert(out.end(), b, b + 16);
}

// A bounds-checked reader over the binary form.
struct Reader {
  std::span<const uint8_t> in;
  size_t pos = 0;
  bool take(size_t n, const uint8_t*& p) {
    if (in.size() - pos < n) return false;
    p = in.data() + pos;
    pos += n;
    return true;
  }
};

}  // namespace

json to_json(const LiabilityProof& p) {
  Sha256 h;
  json j = {{"version", kProofVersion},
            {"asset", p.asset},
            {"account", p.account.hex()},
            {"key", tree_key(h, p.account).hex()},
            {"balance", amount_str(p.balance)},
            {"root", p.root.hex()},
            {"total", amount_str(p.total)},
            {"siblings", json::array()}};
  for (const auto& s : p.siblings)
    j["siblings"].push_back({{"hash", s.hash.hex()}, {"sum", amount_str(s.sum)}});
  if (p.other_leaf)
    j["other_leaf"] = {{"key", p.other_leaf->key.hex()},
                       {"balance", amount_str(p.other_leaf->balance)}};
  return j;
}

Result<LiabilityProof> proof_from_json(const json& j) {
  if (auto r = only_keys(j, "", {"version", "asset", "account", "key", "balance", "root", "total",
                                 "siblings", "other_leaf"});
      !r)
    return std::unexpected(r.error());
  auto version = field(j, "", "version");
  if (!version) return std::unexpected(version.error());
  if (!(*version)->is_number_integer() || (*version)->get<int64_t>() != kProofVersion)
    return fail("version: not " + std::to_string(kProofVersion));
  LiabilityProof p;
  auto asset = string_field(j, "", "asset");
  if (!asset) return std::unexpected(asset.error());
  p.asset = *asset;
  if (p.asset.empty() || p.asset.size() > 255) return fail("asset: empty or longer than 255 bytes");
  auto account = hex_field<AccountId>(j, "", "account");
  if (!account) return std::unexpected(account.error());
  p.account = *account;
  auto key = hex_field<Hash32>(j, "", "key");
  if (!key) return std::unexpected(key.error());
  Sha256 h;
  if (*key != tree_key(h, p.account)) return fail("key: not SHA-256 of the account");
  auto balance = amount_field(j, "", "balance");
  if (!balance) return std::unexpected(balance.error());
  p.balance = *balance;
  auto root = hex_field<Hash32>(j, "", "root");
  if (!root) return std::unexpected(root.error());
  p.root = *root;
  auto total = amount_field(j, "", "total");
  if (!total) return std::unexpected(total.error());
  p.total = *total;
  auto sibs = field(j, "", "siblings");
  if (!sibs) return std::unexpected(sibs.error());
  if (!(*sibs)->is_array()) return fail("siblings: not an array");
  if ((*sibs)->size() > kMaxDepth)
    return fail("proof has " + std::to_string((*sibs)->size()) + " siblings, a path has at most " +
                std::to_string(kMaxDepth));
  for (size_t i = 0; i < (*sibs)->size(); ++i) {
    const json& s = (**sibs)[i];
    const std::string where = "siblings[" + std::to_string(i) + "]";
    if (auto r = only_keys(s, where, {"hash", "sum"}); !r) return std::unexpected(r.error());
    auto sh = hex_field<Hash32>(s, where + ".", "hash");
    if (!sh) return std::unexpected(sh.error());
    auto ss = amount_field(s, where + ".", "sum");
    if (!ss) return std::unexpected(ss.error());
    p.siblings.push_back({*sh, *ss});
  }
  if (auto it = j.find("other_leaf"); it != j.end()) {
    if (auto r = only_keys(*it, "other_leaf", {"key", "balance"}); !r)
      return std::unexpected(r.error());
    auto ok = hex_field<Hash32>(*it, "other_leaf.", "key");
    if (!ok) return std::unexpected(ok.error());
    auto ob = amount_field(*it, "other_leaf.", "balance");
    if (!ob) return std::unexpected(ob.error());
    p.other_leaf = OtherLeaf{*ok, *ob};
  }
  return p;
}

std::vector<uint8_t> to_bytes(const LiabilityProof& p) {
  // Asset ids come from the genesis; one that does not fit the length byte is a bug upstream.
  if (p.asset.size() > 255) throw std::length_error("liabilities proof: asset id over 255 bytes");
  std::vector<uint8_t> out;
  out.reserve(1 + 1 + 1 + p.asset.size() + 32 + 16 + 32 + 16 + 2 + 48 * p.siblings.size() + 48);
  out.push_back(kProofVersion);
  out.push_back(p.other_leaf ? 1 : 0);
  out.push_back(static_cast<uint8_t>(p.asset.size()));
  out.insert(out.end(), p.asset.begin(), p.asset.end());
  out.insert(out.end(), p.account.bytes.begin(), p.account.bytes.end());
  put_amount(out, p.balance);
  out.insert(out.end(), p.root.bytes.begin(), p.root.bytes.end());
  put_amount(out, p.total);
  out.push_back(static_cast<uint8_t>(p.siblings.size() >> 8));
  out.push_back(static_cast<uint8_t>(p.siblings.size()));
  for (const auto& s : p.siblings) {
    out.insert(out.end(), s.hash.bytes.begin(), s.hash.bytes.end());
    put_amount(out, s.sum);
  }
  if (p.other_leaf) {
    out.insert(out.end(), p.other_leaf->key.bytes.begin(), p.other_leaf->key.bytes.end());
    put_amount(out, p.other_leaf->balance);
  }
  return out;
}

Result<LiabilityProof> proof_from_bytes(std::span<const uint8_t> bytes) {
  Reader r{bytes};
  const uint8_t* b = nullptr;
  auto need = [&](size_t n, const char* what) -> Result<const uint8_t*> {
    if (!r.take(n, b)) return fail(std::string("truncated at ") + what);
    return b;
  };
  LiabilityProof p;
  auto head = need(3, "header");
  if (!head) return std::unexpected(head.error());
  if ((*head)[0] != kProofVersion) return fail("version: not " + std::to_string(kProofVersion));
  if ((*head)[1] > 1) return fail("flags: unknown bits set");
  const bool has_other = (*head)[1] == 1;
  const size_t asset_len = (*head)[2];
  auto asset = need(asset_len, "asset");
  if (!asset) return std::unexpected(asset.error());
  p.asset.assign(reinterpret_cast<const char*>(*asset), asset_len);
  auto fixed = need(32 + 16 + 32 + 16 + 2, "account/balance/root/total");
  if (!fixed) return std::unexpected(fixed.error());
  const uint8_t* f = *fixed;
  p.account = AccountId::from_span({f, 32});
  p.balance = Amount::from_be_bytes(f + 32);
  p.root = Hash32::from_span({f + 48, 32});
  p.total = Amount::from_be_bytes(f + 80);
  const size_t count = (size_t(f[96]) << 8) | f[97];
  if (count > kMaxDepth)
    return fail("proof has " + std::to_string(count) + " siblings, a path has at most " +
                std::to_string(kMaxDepth));
  for (size_t i = 0; i < count; ++i) {
    auto s = need(48, "siblings");
    if (!s) return std::unexpected(s.error());
    p.siblings.push_back({Hash32::from_span({*s, 32}), Amount::from_be_bytes(*s + 32)});
  }
  if (has_other) {
    auto o = need(48, "other_leaf");
    if (!o) return std::unexpected(o.error());
    p.other_leaf = OtherLeaf{Hash32::from_span({*o, 32}), Amount::from_be_bytes(*o + 32)};
  }
  if (r.pos != bytes.size())
    return fail(std::to_string(bytes.size() - r.pos) + " trailing bytes after the proof");
  return p;
}

}  // namespace relay::proofs
