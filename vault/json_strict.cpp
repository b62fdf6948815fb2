#include "vault/json_strict.h"

#include <string>
#include <unordered_set>
#include <vector>

namespace relay {
namespace {

using json = nlohmann::json;

// A SAX pass over the text that builds nothing: it keeps, per open object, the keys seen so far
// (nlohmann's DOM parser overwrites a repeated key, its callback parser re-scans the parent at
// every object end, so neither can be used for this), the JSON path to the current value, and
// where a syntax error stopped the parser. Written by hand because nlohmann has no option for
// repeated keys.
class KeyChecker : public nlohmann::json_sax<json> {
 public:
  std::string repeated;        // JSON path of the first repeated key, empty if none
  size_t error_position = 0;   // characters read when the parser failed (1-based), 0 if none
  std::string error_reason;    // the parser's message, without its prefix or quoted input

  bool null() override { return element(); }
  bool boolean(bool) override { return element(); }
  bool number_integer(number_integer_t) override { return element(); }
  bool number_unsigned(number_unsigned_t) override { return element(); }
  bool number_float(number_float_t, const string_t&) override { return element(); }
  bool string(string_t&) override { return element(); }
  bool binary(binary_t&) override { return element(); }
  bool start_object(std::size_t) override { return open(false); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& f = frames_[depth_ - 1];
    if (!f.keys.insert(k).second) {
      f.key = k;
      repeated = path();
      return false;
    }
    f.key = k;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error_position = position;
    error_reason = reason_of(ex.what());
    return false;
  }

 private:
  struct Frame {
    bool is_array = false;
    size_t index = 0;  // arrays: elements begun so far
    std::string key;   // objects: the current key
    std::unordered_set<std::string> keys;
  };

  // Every value, object or array begins an element of its parent array (if any).
  bool element() {
    if (depth_ > 0 && frames_[depth_ - 1].is_array) ++frames_[depth_ - 1].index;
    return true;
  }
  // Frames are reused across siblings so that each object does not allocate a new set.
  bool open(bool is_array) {
    element();
    if (frames_.size() == depth_) frames_.emplace_back();
    Frame& f = frames_[depth_++];
    f.is_array = is_array;
    f.index = 0;
    f.key.clear();
    f.keys.clear();
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  std::string path() const {
    std::string p;
    for (size_t d = 0; d < depth_; ++d) {
      const Frame& f = frames_[d];
      if (f.is_array) {
        p += "[" + std::to_string(f.index - 1) + "]";
      } else {
        if (!p.empty()) p += '.';
        p += f.key;
      }
    }
    return p;
  }

  // nlohmann's message is "[json.exception.parse_error.101] parse error at line 1, column 7:
  // syntax error while parsing value - invalid literal; last read: '<input>'; expected ...".
  // Keep what follows the position, and drop the quoted input: a key file's secret could be in
  // it, and the line and column already say where.
  static std::string reason_of(std::string_view what) {
    std::string s(what);
    if (auto colon = s.find(": "); colon != std::string::npos) s.erase(0, colon + 2);
    if (auto last = s.find("; last read: "); last != std::string::npos) {
      auto expected = s.rfind("; expected");
      s.erase(last, expected != std::string::npos && expected > last ? expected - last
                                                                     : std::string::npos);
    }
    return s;
  }

  std::vector<Frame> frames_;
  size_t depth_ = 0;
};

// 1-based line and column (in characters: UTF-8 continuation bytes do not count) of the byte
// at `offset`, clamped to the text.
std::string position_of(std::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  // A text that is one line (an event-log line, an RPC answer) needs only the column.
  bool one_line = text.find('\n') == std::string_view::npos ||
                  text.find('\n') == text.size() - 1;
  return one_line ? "column " + std::to_string(column)
                  : "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Result<json> parse_json_strict(std::string_view text, std::string_view what) {
  const std::string prefix = what.empty() ? std::string() : std::string(what) + ": ";
  KeyChecker checker;
  if (!json::sax_parse(text, &checker)) {
    if (!checker.repeated.empty()) return fail(prefix + checker.repeated + ": repeated key");
    // The parser reports how many characters it read: the offending one is the last of them.
    size_t offset = checker.error_position == 0 ? 0 : checker.error_position - 1;
    return fail(prefix + "not valid JSON at " + position_of(text, offset) + ": " +
                checker.error_reason);
  }
  // The text is valid and has no repeated key: the DOM parser cannot fail on it.
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail(prefix + "not valid JSON");
  return j;
}

}  // namespace relay
