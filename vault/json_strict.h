// Strict JSON reading for every file and answer the relay reads (docs/proofs.md, "Genesis and
// network id"): RFC 8259 text as nlohmann-json parses it, plus one rule nlohmann does not
// enforce: a key may appear at most once in an object (nlohmann keeps the last of repeated
// keys, so two readers of one file could see different values). A syntax error names the line
// and column where the parser stopped. Stateless, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "vault/result.h"

namespace relay {

/// The JSON document in `text`, or an error prefixed with "<what>: " (nothing when `what` is
/// empty):
/// - "not valid JSON at line L, column C: <parser's reason>": the character at which the text
///   stopped being JSON (the last of an unexpected token; one past the end for a text that
///   ends too early). 1-based; the column counts characters; "at column C" alone when the text
///   is one line. The reason never quotes the input (a key file's secret must not reach a log).
/// - "<path>: repeated key", path being the JSON path of the repeated key
///   ("chains[1].finality.confirmations").
Result<nlohmann::json> parse_json_strict(std::string_view text, std::string_view what);

}  // namespace relay
