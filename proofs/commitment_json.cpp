#include "proofs/commitment_json.h"

#include <set>

namespace relay {
namespace {

using json = nlohmann::json;

Result<Hash32> hash_field(const json& v, const std::string& path) {
  if (!v.is_string()) return fail(path + ": must be a 0x-hex string");
  auto h = Hash32::from_hex(v.get_ref<const std::string&>());
  if (!h) return fail(path + ": must be 0x and 32 bytes of hex");
  return *h;
}

Result<uint64_t> u64_field(const json& v, const std::string& path) {
  if (!v.is_number_unsigned()) return fail(path + ": must be a non-negative integer below 2^64");
  return v.get<uint64_t>();
}

Result<Amount> amount_field(const json& v, const std::string& path) {
  if (!v.is_string()) return fail(path + ": must be a decimal string");
  auto a = Amount::from_decimal(v.get_ref<const std::string&>());
  if (!a) return fail(path + ": must be a decimal integer below 2^128");
  return *a;
}

template <class T, class F>
Result<std::vector<T>> array_field(const json& obj, const std::string& path, const char* key,
                                   F element) {
  auto it = obj.find(key);
  const std::string p = path + "." + key;
  if (it == obj.end()) return fail(p + ": missing");
  if (!it->is_array()) return fail(p + ": must be an array");
  std::vector<T> out;
  out.reserve(it->size());
  for (size_t i = 0; i < it->size(); ++i) {
    auto v = element((*it)[i], p + "[" + std::to_string(i) + "]");
    if (!v) return std::unexpected(v.error());
    out.push_back(*v);
  }
  return out;
}

}  // namespace

json commitment_to_json(const EpochCommitment& c) {
  json j = json::object();
  j["network_id"] = c.network_id.hex();
  j["epoch"] = c.epoch;
  j["previous"] = c.previous.hex();
  j["finalized_heights"] = c.finalized_heights;
  json roots = json::array(), totals = json::array(), custody = json::array(),
       wroots = json::array();
  for (const Hash32& r : c.liabilities_roots) roots.push_back(r.hex());
  for (Amount a : c.liabilities_totals) totals.push_back(a.to_decimal());
  for (Amount a : c.custody) custody.push_back(a.to_decimal());
  for (const Hash32& r : c.withdrawal_roots) wroots.push_back(r.hex());
  j["liabilities_roots"] = roots;
  j["liabilities_totals"] = totals;
  j["custody"] = custody;
  j["withdrawal_roots"] = wroots;
  return j;
}

Result<EpochCommitment> commitment_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return fail(path + ": must be an object");
  static constexpr const char* kFields[] = {
      "network_id",         "epoch",   "previous",        "finalized_heights", "liabilities_roots",
      "liabilities_totals", "custody", "withdrawal_roots"};
  const std::set<std::string> known(std::begin(kFields), std::end(kFields));
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.count(it.key())) return fail(path + "." + it.key() + ": unknown field");
  for (const char* k : kFields)
    if (!j.contains(k)) return fail(path + "." + k + ": missing");

  EpochCommitment c;
  auto network = hash_field(j["network_id"], path + ".network_id");
  if (!network) return std::unexpected(network.error());
  c.network_id = *network;
  auto epoch = u64_field(j["epoch"], path + ".epoch");
  if (!epoch) return std::unexpected(epoch.error());
  c.epoch = *epoch;
  auto previous = hash_field(j["previous"], path + ".previous");
  if (!previous) return std::unexpected(previous.error());
  c.previous = *previous;
  auto heights = array_field<uint64_t>(j, path, "finalized_heights", u64_field);
  if (!heights) return std::unexpected(heights.error());
  c.finalized_heights = std::move(*heights);
  auto roots = array_field<Hash32>(j, path, "liabilities_roots", hash_field);
  if (!roots) return std::unexpected(roots.error());
  c.liabilities_roots = std::move(*roots);
  auto totals = array_field<Amount>(j, path, "liabilities_totals", amount_field);
  if (!totals) return std::unexpected(totals.error());
  c.liabilities_totals = std::move(*totals);
  auto custody = array_field<Amount>(j, path, "custody", amount_field);
  if (!custody) return std::unexpected(custody.error());
  c.custody = std::move(*custody);
  auto wroots = array_field<Hash32>(j, path, "withdrawal_roots", hash_field);
  if (!wroots) return std::unexpected(wroots.error());
  c.withdrawal_roots = std::move(*wroots);
  if (auto shape = check_commitment_shape(c); !shape) return std::unexpected(shape.error());
  return c;
}

}  // namespace relay
