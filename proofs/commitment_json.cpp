#include "proofs/commitment_json.h"

#include <optional>
#include <set>

#include "proofs/commitment_layout.h"

namespace relay {
namespace {

using json = nlohmann::json;
namespace layout = commitment_layout;

using ojson = nlohmann::ordered_json;
ojson to_json_value(uint64_t v) { return v; }
ojson to_json_value(const Hash32& h) { return h.hex(); }
ojson to_json_value(Amount a) { return a.to_decimal(); }

Result<void> from_json_value(const json& v, const std::string& path, Hash32& out) {
  if (!v.is_string()) return fail(path + ": must be a 0x-hex string");
  auto h = Hash32::from_hex(v.get_ref<const std::string&>());
  if (!h) return fail(path + ": must be 0x and 32 bytes of hex");
  out = *h;
  return {};
}

Result<void> from_json_value(const json& v, const std::string& path, uint64_t& out) {
  if (!v.is_number_unsigned()) return fail(path + ": must be a non-negative integer below 2^64");
  out = v.get<uint64_t>();
  return {};
}

Result<void> from_json_value(const json& v, const std::string& path, Amount& out) {
  if (!v.is_string()) return fail(path + ": must be a decimal string");
  auto a = Amount::from_decimal(v.get_ref<const std::string&>());
  if (!a) return fail(path + ": must be a decimal integer below 2^128");
  out = *a;
  return {};
}

template <class T>
Result<void> array_from_json(const json& v, const std::string& path, std::vector<T>& out) {
  if (!v.is_array()) return fail(path + ": must be an array");
  out.resize(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    if (auto r = from_json_value(v[i], path + "[" + std::to_string(i) + "]", out[i]); !r)
      return r;
  return {};
}

}  // namespace

nlohmann::ordered_json commitment_to_json(const EpochCommitment& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["network_id"] = c.network_id.hex();
  j["epoch"] = c.epoch;
  j["previous"] = c.previous.hex();
  j["end_time"] = c.end_time;
  layout::for_each_array(c, [&](std::string_view name, const auto& a) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& x : a) items.push_back(to_json_value(x));
    j[std::string(name)] = std::move(items);
  });
  return j;
}

Result<EpochCommitment> commitment_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return fail(path + ": must be an object");
  std::set<std::string> known = {"network_id", "epoch", "previous", "end_time"};
  EpochCommitment c;
  layout::for_each_array(c, [&](std::string_view name, auto&) { known.emplace(name); });
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.count(it.key())) return fail(path + "." + it.key() + ": unknown field");
  // Missing fields in commitment order, so the first one named is the first one absent.
  for (const char* k : {"network_id", "epoch", "previous", "end_time"})
    if (!j.contains(k)) return fail(path + "." + k + ": missing");

  if (auto r = from_json_value(j["network_id"], path + ".network_id", c.network_id); !r)
    return std::unexpected(r.error());
  if (auto r = from_json_value(j["epoch"], path + ".epoch", c.epoch); !r)
    return std::unexpected(r.error());
  if (auto r = from_json_value(j["previous"], path + ".previous", c.previous); !r)
    return std::unexpected(r.error());
  if (auto r = from_json_value(j["end_time"], path + ".end_time", c.end_time); !r)
    return std::unexpected(r.error());
  std::optional<Error> error;
  layout::for_each_array(c, [&](std::string_view name, auto& a) {
    if (error) return;
    const std::string key(name), p = path + "." + key;
    auto it = j.find(key);
    if (it == j.end()) {
      error = Error{p + ": missing"};
      return;
    }
    if (auto r = array_from_json(*it, p, a); !r) error = r.error();
  });
  if (error) return std::unexpected(*error);
  if (auto shape = check_commitment_shape(c); !shape) return std::unexpected(shape.error());
  return c;
}

}  // namespace relay
