// CURVE keys: Z85 text, the key file (mode 0600 on write and on load, a mismatched public key
// refused), and relayctl curve-keygen (prints the public key, never the secret).
#include "wire/curve_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/relayctl.h"
#include "tests/support/temp_dir.h"

namespace relay::net {
namespace {

using test::TempDir;

// The key pair of ZeroMQ RFC 26's test vectors ("Rq:..." is the server's public key there).
const char* kPublic = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const char* kSecret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";

mode_t mode_of(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

std::string write_text(const TempDir& dir, const std::string& name, const std::string& text,
                       mode_t mode) {
  std::string path = dir.file(name);
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

std::string key_file_text(const std::string& pub, const std::string& sec) {
  return R"({"type":"relay-curve-key","version":1,"public_key":")" + pub + R"(","secret_key":")" +
         sec + R"("})";
}

TEST(CurveKey, Z85RoundTripsAndRefusesBadText) {
  auto key = curve_public_key_from_z85(kPublic);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(to_z85(*key), kPublic);
  EXPECT_EQ(curve_public_key_from_z85("abc").error().message, "must be 40 Z85 characters, got 3");
  std::string bad = kPublic;
  bad[5] = '"';  // not in the Z85 alphabet
  EXPECT_EQ(curve_public_key_from_z85(bad).error().message, "not valid Z85 text");
}

TEST(CurveKey, GeneratedPairsAreDistinctAndConsistent) {
  auto a = generate_curve_key_pair();
  auto b = generate_curve_key_pair();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->public_key, b->public_key);
  auto derived = curve_public_key_of(a->secret_key);
  ASSERT_TRUE(derived);
  EXPECT_EQ(*derived, a->public_key);
}

TEST(CurveKey, FileIsWrittenMode0600NeverOverwrittenAndLoadsBack) {
  TempDir dir;
  auto keys = generate_curve_key_pair();
  ASSERT_TRUE(keys);
  const std::string path = dir.file("curve.key");
  ASSERT_TRUE(write_curve_key_file(path, *keys));
  EXPECT_EQ(mode_of(path), 0600u);
  auto loaded = load_curve_key_file(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->public_key, keys->public_key);
  EXPECT_TRUE(
      std::ranges::equal(loaded->secret_key.expose_secret(), keys->secret_key.expose_secret()));
  auto again = write_curve_key_file(path, *keys);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message,
            "CURVE key file " + path + ": already exists; refusing to overwrite");
}

TEST(CurveKey, LoadRefusesAFileOthersCanReadAsTheValidatorKeyFileDoes) {
  TempDir dir;
  const std::string path = write_text(dir, "k", key_file_text(kPublic, kSecret), 0644);
  auto r = load_curve_key_file(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "CURVE key file " + path +
                                   ": mode 0644 lets group or others access the secret key; "
                                   "refusing it (chmod 600 " +
                                   path + ")");
  ::chmod(path.c_str(), 0600);
  auto ok = load_curve_key_file(path);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(to_z85(ok->public_key), kPublic);
}

TEST(CurveKey, LoadRefusesMalformedFilesWithoutShowingTheSecret) {
  TempDir dir;
  auto other = generate_curve_key_pair();
  ASSERT_TRUE(other);
  struct Case {
    std::string text, error;
  } cases[] = {
      {"not json", "not valid JSON at column 2: syntax error while parsing value - invalid "
                   "literal"},
      {"[1]", "not a JSON object"},
      {R"({"type":"relay-curve-key","type":"relay-curve-key","version":1})",
       "type: repeated key"},
      {R"({"type":"relay-curve-key","version":1,"comment":"x"})", "\"comment\": unknown field"},
      {"{\"secret_key\": \"" + std::string(kSecret) + "\" \"x\"}",
       "not valid JSON at column 61: syntax error while parsing object - unexpected string "
       "literal; expected '}'"},
      {R"({"type":"relay-validator-key","version":1})", "\"type\" must be \"relay-curve-key\""},
      {R"({"type":"relay-curve-key","version":2})", "\"version\" must be 1"},
      {R"({"type":"relay-curve-key","version":1,"public_key":"x"})", "\"secret_key\" missing"},
      {key_file_text(kPublic, "short"), "\"secret_key\" must be 40 Z85 characters"},
      {key_file_text("short", kSecret), "\"public_key\" must be 40 Z85 characters, got 5"},
      {key_file_text(to_z85(other->public_key), kSecret),
       "\"public_key\" does not match the secret key (file corrupted?)"},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string path = write_text(dir, "k" + std::to_string(n++), c.text, 0600);
    auto r = load_curve_key_file(path);
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().message, "CURVE key file " + path + ": " + c.error);
    EXPECT_EQ(r.error().message.find(kSecret), std::string::npos);
  }
}

TEST(CurveKeygenCommand, WritesMode0600AndPrintsOnlyThePublicKey) {
  TempDir dir;
  const std::string path = dir.file("curve.key");
  auto r = testing::relayctl({"curve-keygen", "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(path), 0600u);
  auto keys = load_curve_key_file(path);
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_NE(r.out.find("public key: " + to_z85(keys->public_key)), std::string::npos) << r.out;
  // The secret's Z85 text, read from the file, appears in neither output stream.
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = text.find("\"secret_key\": \"");
  ASSERT_NE(at, std::string::npos);
  const std::string secret = text.substr(at + 15, 40);
  for (const std::string* out : {&r.out, &r.err}) {
    EXPECT_EQ(out->find(secret), std::string::npos) << "the secret was printed";
    EXPECT_EQ(out->find(secret.substr(0, 10)), std::string::npos) << "part of it was printed";
  }
  auto again = testing::relayctl({"curve-keygen", "--out", path});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_NE(again.err.find("refusing to overwrite"), std::string::npos) << again.err;

  auto json = testing::relayctl({"curve-keygen", "--out", dir.file("second.key"), "--json"});
  auto j = testing::json_ok(json);
  EXPECT_EQ(j["key_file"], dir.file("second.key"));
  EXPECT_EQ(j["public_key"].get<std::string>().size(), 40u);
}

}  // namespace
}  // namespace relay::net
