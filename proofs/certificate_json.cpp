#include "proofs/certificate_json.h"

#include <nlohmann/json.hpp>

#include "proofs/commitment_json.h"
#include "vault/json_strict.h"

namespace relay {
namespace {
using json = nlohmann::json;
constexpr const char* kFileType = "relay-epoch-certificate";
// 2: the fourteen-field commitment (docs/node.md "Commitment"); 1 held the eight fields of
// before, which no longer encode to what validators sign.
constexpr int kFileVersion = 2;
}  // namespace

std::string certificate_to_json(const Certificate& cert) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["type"] = kFileType;
  j["version"] = kFileVersion;
  j["commitment"] = commitment_to_json(cert.commitment);
  j["commitment_hash"] = commitment_hash(cert.commitment).hex();
  nlohmann::ordered_json sigs = nlohmann::ordered_json::array();
  for (const auto& s : cert.signatures) sigs.push_back(to_hex(s));
  j["signatures"] = sigs;
  return j.dump(2) + "\n";
}

Result<Certificate> certificate_from_json(std::string_view text) {
  auto doc = parse_json_strict(text, "certificate");
  if (!doc) return std::unexpected(doc.error());
  const json& j = *doc;
  if (!j.is_object()) return fail("certificate: must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "type" && k != "version" && k != "commitment" && k != "commitment_hash" &&
        k != "signatures")
      return fail("certificate." + k + ": unknown field");
  }
  if (!j.contains("type") || j["type"] != kFileType)
    return fail(std::string("certificate.type: must be \"") + kFileType + "\"");
  if (!j.contains("version") || !j["version"].is_number_unsigned() ||
      j["version"] != kFileVersion) {
    if (j.contains("version") && j["version"] == 1)
      return fail("certificate.version: 1 is the eight-field commitment of older relays; this "
                  "relay reads version 2 (the fourteen fields of docs/proofs.md)");
    return fail("certificate.version: must be 2");
  }
  if (!j.contains("commitment")) return fail("certificate.commitment: missing");
  auto c = commitment_from_json(j["commitment"], "certificate.commitment");
  if (!c) return std::unexpected(c.error());
  Certificate cert;
  cert.commitment = std::move(*c);
  if (j.contains("commitment_hash")) {
    const json& h = j["commitment_hash"];
    auto parsed = h.is_string() ? Hash32::from_hex(h.get_ref<const std::string&>()) : std::nullopt;
    if (!parsed) return fail("certificate.commitment_hash: must be 0x and 32 bytes of hex");
    if (*parsed != commitment_hash(cert.commitment))
      return fail("certificate.commitment_hash: " + parsed->hex() +
                  " is not the hash of the commitment (" + commitment_hash(cert.commitment).hex() +
                  ")");
  }
  if (!j.contains("signatures") || !j["signatures"].is_array())
    return fail("certificate.signatures: must be an array");
  const json& sigs = j["signatures"];
  for (size_t i = 0; i < sigs.size(); ++i) {
    const std::string p = "certificate.signatures[" + std::to_string(i) + "]";
    if (!sigs[i].is_string()) return fail(p + ": must be a 0x-hex string");
    auto bytes = from_hex(sigs[i].get_ref<const std::string&>());
    if (!bytes) return fail(p + ": not 0x-hex");
    cert.signatures.push_back(std::move(*bytes));
  }
  return cert;
}

}  // namespace relay
