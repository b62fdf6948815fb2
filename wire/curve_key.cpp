#include "wire/curve_key.h"

#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "proofs/secret_file.h"
#include "vault/json_strict.h"

namespace relay::net {
namespace {

constexpr const char* kFileType = "relay-curve-key";
constexpr const char* kWhat = "CURVE key file";
constexpr size_t kZ85Length = 40;

void wipe(std::string& s) {
  explicit_bzero(s.data(), s.size());
  s.clear();
}

// Decodes 40 Z85 characters into `out` (32 bytes), and only a canonical spelling: libzmq's
// decoder accepts some out-of-range groups, so the text must encode back to itself.
bool z85_decode(std::string_view text, uint8_t* out) {
  if (text.size() != kZ85Length) return false;
  char in[kZ85Length + 1];
  std::memcpy(in, text.data(), kZ85Length);
  in[kZ85Length] = '\0';
  bool ok = zmq_z85_decode(out, in) != nullptr;
  char back[kZ85Length + 1];
  if (ok) ok = zmq_z85_encode(back, out, 32) != nullptr && std::memcmp(back, in, kZ85Length) == 0;
  explicit_bzero(in, sizeof in);
  explicit_bzero(back, sizeof back);
  return ok;
}

}  // namespace

CurveSecretKey::CurveSecretKey(std::span<const uint8_t, kSize> bytes) {
  std::memcpy(bytes_.data(), bytes.data(), kSize);
}

CurveSecretKey::~CurveSecretKey() { explicit_bzero(bytes_.data(), bytes_.size()); }

std::string to_z85(const CurvePublicKey& key) {
  char text[kZ85Length + 1];
  zmq_z85_encode(text, key.bytes.data(), key.bytes.size());
  return std::string(text, kZ85Length);
}

Result<CurvePublicKey> curve_public_key_from_z85(std::string_view text) {
  if (text.size() != kZ85Length)
    return fail("must be 40 Z85 characters, got " + std::to_string(text.size()));
  CurvePublicKey key;
  if (!z85_decode(text, key.bytes.data())) return fail("not valid Z85 text");
  return key;
}

Result<CurveKeyPair> generate_curve_key_pair() {
  char pub[kZ85Length + 1], sec[kZ85Length + 1];
  if (zmq_curve_keypair(pub, sec) != 0) {
    explicit_bzero(sec, sizeof sec);
    return fail(std::string("zmq_curve_keypair: ") + zmq_strerror(errno) +
                " (libzmq built without CURVE?)");
  }
  std::array<uint8_t, 32> secret{};
  CurvePublicKey public_key;
  bool ok = z85_decode({sec, kZ85Length}, secret.data()) &&
            z85_decode({pub, kZ85Length}, public_key.bytes.data());
  explicit_bzero(sec, sizeof sec);
  CurveKeyPair pair{public_key, CurveSecretKey(secret)};
  explicit_bzero(secret.data(), secret.size());
  if (!ok) return fail("zmq_curve_keypair: returned keys that are not Z85");
  return pair;
}

Result<CurvePublicKey> curve_public_key_of(const CurveSecretKey& secret) {
  char sec[kZ85Length + 1], pub[kZ85Length + 1];
  zmq_z85_encode(sec, secret.expose_secret().data(), CurveSecretKey::kSize);
  int rc = zmq_curve_public(pub, sec);
  explicit_bzero(sec, sizeof sec);
  if (rc != 0) return fail(std::string("zmq_curve_public: ") + zmq_strerror(errno));
  return curve_public_key_from_z85({pub, kZ85Length});
}

Result<void> write_curve_key_file(const std::string& path, const CurveKeyPair& keys) {
  std::string text;
  text.reserve(256);  // the whole file fits: the buffer holding the secret is never reallocated
  char sec[kZ85Length + 1];
  zmq_z85_encode(sec, keys.secret_key.expose_secret().data(), CurveSecretKey::kSize);
  text += "{\n  \"type\": \"";
  text += kFileType;
  text += "\",\n  \"version\": 1,\n  \"public_key\": \"";
  text += to_z85(keys.public_key);
  text += "\",\n  \"secret_key\": \"";
  text.append(sec, kZ85Length);
  text += "\"\n}\n";
  explicit_bzero(sec, sizeof sec);
  auto r = write_secret_file(path, text, kWhat);
  wipe(text);
  return r;
}

Result<CurveKeyPair> load_curve_key_file(const std::string& path) {
  const std::string where = std::string(kWhat) + " " + path + ": ";
  auto read = read_secret_file(path, kWhat);
  if (!read) return std::unexpected(read.error());
  std::string text = std::move(*read);
  using json = nlohmann::json;
  // Strict (docs/proofs.md "Genesis and network id"): a repeated key is refused, and the error
  // never quotes the input, so the secret cannot reach a log through it.
  auto parsed = parse_json_strict(text, std::string(kWhat) + " " + path);
  wipe(text);
  if (!parsed) return std::unexpected(parsed.error());
  json& j = *parsed;
  if (!j.is_object()) return fail(where + "not a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "type" && k != "version" && k != "public_key" && k != "secret_key")
      return fail(where + "\"" + k + "\": unknown field");
  }
  auto str = [&](const char* k) -> std::string* {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? &it->get_ref<std::string&>() : nullptr;
  };
  const std::string* type = str("type");
  if (type == nullptr || *type != kFileType)
    return fail(where + "\"type\" must be \"" + kFileType + "\"");
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_unsigned() || version->get<uint64_t>() != 1)
    return fail(where + "\"version\" must be 1");
  std::string* secret_text = str("secret_key");
  if (secret_text == nullptr) return fail(where + "\"secret_key\" missing");
  std::array<uint8_t, 32> raw{};
  bool ok = z85_decode(*secret_text, raw.data());
  explicit_bzero(secret_text->data(), secret_text->size());  // best effort: the JSON's copy
  CurveSecretKey secret(raw);
  explicit_bzero(raw.data(), raw.size());
  if (!ok) return fail(where + "\"secret_key\" must be 40 Z85 characters");
  auto derived = curve_public_key_of(secret);
  if (!derived) return fail(where + derived.error().message);
  const std::string* public_text = str("public_key");
  if (public_text == nullptr) return fail(where + "\"public_key\" missing");
  auto pub = curve_public_key_from_z85(*public_text);
  if (!pub) return fail(where + "\"public_key\" " + pub.error().message);
  if (*pub != *derived)
    return fail(where + "\"public_key\" does not match the secret key (file corrupted?)");
  return CurveKeyPair{*pub, secret};
}

}  // namespace relay::net
