#include "proofs/keys_file.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "proofs/secp256k1.h"
#include "proofs/secret_file.h"
#include "vault/json_strict.h"

namespace relay {
namespace {

// The secret never goes through a JSON library on the way out, so every copy of it can be wiped.
std::string render(const ValidatorKey& key, KeyRole role) {
  std::string s;
  s.reserve(512);  // the whole file fits: the buffer holding the secret is never reallocated
  s += "{\n  \"type\": \"";
  s += key_file_type(role);
  s += "\",\n  \"version\": 1,\n  \"secret_key\": \"0x";
  // Hex digits straight into `s` (reserved above, so never reallocated): no temporary copy.
  static constexpr char kDigits[] = "0123456789abcdef";
  for (uint8_t b : key.secret.expose_secret()) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  s += "\",\n  \"public_key\": \"" + key.public_key.hex() + "\",\n  \"address\": \"" +
       key.address.hex() + "\"\n}\n";
  return s;
}

const char* role_name(KeyRole role) { return role == KeyRole::publisher ? "publisher" : "validator"; }

void wipe(std::string& s) {
  explicit_bzero(s.data(), s.size());
  s.clear();
}

}  // namespace

const char* key_file_type(KeyRole role) {
  return role == KeyRole::publisher ? "relay-publisher-key" : "relay-validator-key";
}

Result<ValidatorKey> make_validator_key(const SecretKey& secret) {
  auto pub = public_key_of(secret);
  if (!pub) return std::unexpected(pub.error());
  auto addr = evm_address(*pub);
  if (!addr) return std::unexpected(addr.error());
  return ValidatorKey{secret, *pub, *addr};
}

Result<void> write_key_file(const std::string& path, const ValidatorKey& key, KeyRole role) {
  std::string text = render(key, role);
  auto r = write_secret_file(path, text, "key file");
  wipe(text);
  return r;
}

Result<ValidatorKey> load_key_file(const std::string& path, KeyRole role) {
  const std::string where = "key file " + path + ": ";
  auto read = read_secret_file(path, "key file");
  if (!read) return std::unexpected(read.error());
  std::string text = std::move(*read);

  using json = nlohmann::json;
  // Strict: a repeated "secret_key" must not silently pick one of two keys. The error never
  // quotes the input (json_strict.h), so the secret cannot reach a log through it.
  auto parsed = parse_json_strict(text, "key file " + path);
  wipe(text);
  if (!parsed) return std::unexpected(parsed.error());
  json& j = *parsed;
  if (!j.is_object()) return fail(where + "not a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "type" && k != "version" && k != "secret_key" && k != "public_key" && k != "address")
      return fail(where + "\"" + k + "\": unknown field");
  }
  auto str = [&](const char* k) -> const std::string* {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  const std::string* type = str("type");
  const std::string expected = key_file_type(role);
  const KeyRole other = role == KeyRole::publisher ? KeyRole::validator : KeyRole::publisher;
  if (type != nullptr && *type == key_file_type(other))
    return fail(where + "holds a " + role_name(other) + " key; a " + role_name(role) +
                " key is needed here (the roles never share a key: relayctl keygen" +
                (role == KeyRole::publisher ? " --publisher" : "") + " makes one)");
  if (type == nullptr || *type != expected)
    return fail(where + "\"type\" must be \"" + expected + "\"");
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_unsigned() || version->get<uint64_t>() != 1)
    return fail(where + "\"version\" must be 1");
  const std::string* secret_hex = str("secret_key");
  if (secret_hex == nullptr) return fail(where + "\"secret_key\" missing");
  auto raw = from_hex(*secret_hex);
  if (!raw || raw->size() != SecretKey::kSize) {
    if (raw) explicit_bzero(raw->data(), raw->size());
    return fail(where + "\"secret_key\" must be 0x and 32 bytes of hex");
  }
  SecretKey secret(std::span<const uint8_t, SecretKey::kSize>(raw->data(), SecretKey::kSize));
  explicit_bzero(raw->data(), raw->size());
  // Best effort: wipe the copy the JSON document holds before it is freed.
  std::string& held = j["secret_key"].get_ref<std::string&>();
  explicit_bzero(held.data(), held.size());
  auto key = make_validator_key(secret);
  if (!key) return fail(where + "\"secret_key\" is not a valid secp256k1 key");
  if (const std::string* pub = str("public_key")) {
    auto p = PublicKey::from_hex(*pub);
    if (!p || *p != key->public_key)
      return fail(where + "\"public_key\" does not match the secret key (file corrupted?)");
  }
  if (const std::string* addr = str("address")) {
    auto a = Address::from_hex(*addr);
    if (!a || *a != key->address)
      return fail(where + "\"address\" does not match the secret key (file corrupted?)");
  }
  return key;
}

}  // namespace relay
