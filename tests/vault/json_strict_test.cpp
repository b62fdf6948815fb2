// Strict JSON reading: repeated keys refused with their JSON path, syntax errors located by line
// and column, and the error never quoting the input.
#include <gtest/gtest.h>

#include "vault/json_strict.h"

namespace relay {
namespace {

std::string error_of(std::string_view text, std::string_view what = "doc") {
  auto j = parse_json_strict(text, what);
  return j ? "" : j.error().message;
}

TEST(JsonStrict, ParsesAValidDocument) {
  auto j = parse_json_strict(R"({"a": [1, {"b": "x"}, {"b": "y"}], "c": {"a": 2}})", "doc");
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ((*j)["a"][2]["b"], "y");
  EXPECT_EQ((*j)["c"]["a"], 2);
}

TEST(JsonStrict, RefusesARepeatedKeyAtTheTop) {
  EXPECT_EQ(error_of(R"({"epoch": 1, "x": 2, "epoch": 3})"), "doc: epoch: repeated key");
}

TEST(JsonStrict, NamesTheJsonPathOfANestedRepeatedKey) {
  EXPECT_EQ(error_of(R"({"chains": [{"name": "a"}, {"name": "b", "finality": {"tag": "finalized",
                        "tag": "finalized"}}]})"),
            "doc: chains[1].finality.tag: repeated key");
  EXPECT_EQ(error_of(R"([[1, 2], [{"k": 1, "k": 1}]])"), "doc: [1][0].k: repeated key");
}

TEST(JsonStrict, SameKeyInSiblingOrNestedObjectsIsFine) {
  EXPECT_TRUE(parse_json_strict(R"({"a": {"a": {"a": 1}}, "b": [{"a": 1}, {"a": 2}]})", ""));
  EXPECT_TRUE(parse_json_strict(R"([{"a": 1}, {"a": 1}])", ""));
}

TEST(JsonStrict, NoPrefixWhenWhatIsEmpty) {
  EXPECT_EQ(error_of(R"({"a": 1, "a": 1})", ""), "a: repeated key");
}

TEST(JsonStrict, SyntaxErrorNamesLineAndColumn) {
  // The stray comma is line 3, column 13; the parser stops at the '}' after it (line 4, col 1).
  EXPECT_EQ(error_of("{\n  \"a\": 1,\n  \"b\": true,\n}\n"),
            "doc: not valid JSON at line 4, column 1: syntax error while parsing object key - "
            "unexpected '}'; expected string literal");
  // Columns count characters, not bytes: "é" is two bytes.
  EXPECT_EQ(error_of("{\n\"é\": x}"),
            "doc: not valid JSON at line 2, column 7: syntax error while parsing value - "
            "invalid literal");
}

TEST(JsonStrict, OneLineTextGivesTheColumnOnly) {
  EXPECT_EQ(error_of(R"({"a": 1 "b": 2})"),
            "doc: not valid JSON at column 9: syntax error while parsing object - unexpected "
            "string literal; expected '}'");
  EXPECT_EQ(error_of("{\"a\": "),
            "doc: not valid JSON at column 7: syntax error while parsing value - unexpected end "
            "of input; expected '[', '{', or a literal");
  EXPECT_EQ(error_of("{} x"), "doc: not valid JSON at column 4: syntax error while parsing value - "
                              "invalid literal; expected end of input");
}

TEST(JsonStrict, ErrorNeverQuotesTheInput) {
  const std::string secret = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
  std::string e = error_of("{\"secret_key\": \"" + secret + "\n\"}");
  EXPECT_NE(e.find("not valid JSON at line 1, column"), std::string::npos) << e;
  EXPECT_EQ(e.find("4c0883a6"), std::string::npos) << e;
  e = error_of("{\"secret_key\": " + secret.substr(2) + "}");
  EXPECT_EQ(e.find("4c0883a6"), std::string::npos) << e;
}

}  // namespace
}  // namespace relay
