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

TEST(JsonStrict, BuildsTheSameDocumentAsNlohmann) {
  for (const char* text :
       {R"({"a": [1, -2, 18446744073709551615, 1.5e3, true, false, null, "\u00e9\n"],
            "b": {}, "c": [], "d": [[{"x": [{}]}]], "e": {"f": {"g": "h"}}})",
        "[]", "{}", "7", "\"s\"", "null", "[[1], [2, [3]], {}]"}) {
    auto strict = parse_json_strict(text, "");
    ASSERT_TRUE(strict) << text << ": " << strict.error().message;
    const nlohmann::json plain = nlohmann::json::parse(text);
    EXPECT_EQ(*strict, plain) << text;
    EXPECT_EQ(strict->dump(), plain.dump()) << text;  // same types too (unsigned vs signed)
  }
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
            "doc: not valid JSON at line 2, column 6: syntax error while parsing value - "
            "invalid literal");
  // "tru" stops being a literal at the ']'.
  EXPECT_EQ(error_of("[1,\n  2,\n  tru]"),
            "doc: not valid JSON at line 3, column 6: syntax error while parsing value - "
            "invalid literal");
}

TEST(JsonStrict, OneLineTextGivesTheColumnOnly) {
  // The unexpected token "b" ends at column 11.
  EXPECT_EQ(error_of(R"({"a": 1 "b": 2})"),
            "doc: not valid JSON at column 11: syntax error while parsing object - unexpected "
            "string literal; expected '}'");
  EXPECT_EQ(error_of("{\"a\": "),
            "doc: not valid JSON at column 7: syntax error while parsing value - unexpected end "
            "of input; expected '[', '{', or a literal");
  EXPECT_EQ(error_of("{} x"), "doc: not valid JSON at column 4: syntax error while parsing value - "
                              "invalid literal; expected end of input");
}

TEST(JsonStrict, AnUnescapedControlCharacterIsLocatedAndNotQuoted) {
  EXPECT_EQ(error_of("[\"a\tb\"]"),
            "doc: not valid JSON at column 4: syntax error while parsing value - invalid string: "
            "control character U+0009 (HT) must be escaped to \\u0009 or \\t");
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
