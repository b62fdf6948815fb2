#include "proofs/withdrawal_tree_json.h"

namespace relay {
namespace {
using json = nlohmann::json;

template <class T>
Result<T> fixed_hex(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end()) return fail(path + "." + key + ": missing");
  auto v = it->is_string() ? T::from_hex(it->get_ref<const std::string&>()) : std::nullopt;
  if (!v)
    return fail(path + "." + key + ": must be 0x and " + std::to_string(T::size()) +
                " bytes of hex");
  return *v;
}

Result<uint64_t> u64(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return fail(std::string("withdrawal_proof.") + key + ": missing");
  if (!it->is_number_unsigned())
    return fail(std::string("withdrawal_proof.") + key + ": must be a non-negative integer");
  return it->get<uint64_t>();
}

Result<void> only_fields(const json& obj, std::initializer_list<const char*> known,
                         const std::string& path) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) return fail(path + "." + it.key() + ": unknown field");
  }
  return {};
}
}  // namespace

std::optional<Uint256> uint256_from_decimal(std::string_view s) {
  if (s.empty() || s.size() > 78) return std::nullopt;
  Uint256 v{};
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    unsigned carry = static_cast<unsigned>(c - '0');
    for (int i = 31; i >= 0; --i) {  // v = v * 10 + digit
      unsigned x = v[i] * 10u + carry;
      v[i] = static_cast<uint8_t>(x);
      carry = x >> 8;
    }
    if (carry != 0) return std::nullopt;  // >= 2^256
  }
  return v;
}

json withdrawal_proof_to_json(const WithdrawalProofDocument& d) {
  json siblings = json::array();
  for (const Hash32& s : d.proof.siblings) siblings.push_back(s.hex());
  return json{{"root", d.root.hex()},
              {"leaf",
               {{"id", d.leaf.id.hex()},
                {"recipient", d.leaf.recipient.hex()},
                {"token", d.leaf.token.hex()},
                {"amount", uint256_to_decimal(d.leaf.amount)}}},
              {"index", d.proof.index},
              {"count", d.proof.count},
              {"siblings", siblings}};
}

Result<WithdrawalProofDocument> withdrawal_proof_from_json(const json& j) {
  if (!j.is_object()) return fail("withdrawal_proof: must be a JSON object");
  if (auto r = only_fields(j, {"root", "leaf", "index", "count", "siblings"}, "withdrawal_proof");
      !r)
    return std::unexpected(r.error());
  WithdrawalProofDocument d;
  auto root = fixed_hex<Hash32>(j, "root", "withdrawal_proof");
  if (!root) return std::unexpected(root.error());
  d.root = *root;
  auto leaf = j.find("leaf");
  if (leaf == j.end() || !leaf->is_object())
    return fail("withdrawal_proof.leaf: must be an object");
  const std::string lp = "withdrawal_proof.leaf";
  if (auto r = only_fields(*leaf, {"id", "recipient", "token", "amount"}, lp); !r)
    return std::unexpected(r.error());
  auto id = fixed_hex<WithdrawalId>(*leaf, "id", lp);
  if (!id) return std::unexpected(id.error());
  auto recipient = fixed_hex<Address>(*leaf, "recipient", lp);
  if (!recipient) return std::unexpected(recipient.error());
  auto token = fixed_hex<Address>(*leaf, "token", lp);
  if (!token) return std::unexpected(token.error());
  auto amount = leaf->find("amount");
  auto a = amount != leaf->end() && amount->is_string()
               ? uint256_from_decimal(amount->get_ref<const std::string&>())
               : std::nullopt;
  if (!a) return fail(lp + ".amount: must be a decimal string below 2^256");
  d.leaf = WithdrawalLeaf{*id, *recipient, *token, *a};
  auto index = u64(j, "index");
  if (!index) return std::unexpected(index.error());
  auto count = u64(j, "count");
  if (!count) return std::unexpected(count.error());
  d.proof.index = *index;
  d.proof.count = *count;
  auto siblings = j.find("siblings");
  if (siblings == j.end() || !siblings->is_array())
    return fail("withdrawal_proof.siblings: must be an array");
  if (siblings->size() > 64) return fail("withdrawal_proof.siblings: more than 64 entries");
  for (size_t i = 0; i < siblings->size(); ++i) {
    const json& s = (*siblings)[i];
    auto h = s.is_string() ? Hash32::from_hex(s.get_ref<const std::string&>()) : std::nullopt;
    if (!h)
      return fail("withdrawal_proof.siblings[" + std::to_string(i) + "]: must be 0x and 32 bytes");
    d.proof.siblings.push_back(*h);
  }
  return d;
}

}  // namespace relay
