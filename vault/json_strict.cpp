#include "vault/json_strict.h"

#include <string>
#include <unordered_set>
#include <vector>

namespace relay {
namespace {

using json = nlohmann::json;

// One SAX pass over the text that builds the document as nlohmann's own DOM parser does and
// keeps, per open object, the keys seen so far; it stops at the first repeated key with its JSON
// path, or at a syntax error with where the parser stopped. Written by hand because nlohmann
// has no option for repeated keys: its DOM parser keeps the last, and its callback parser
// re-scans the parent at every object's end (quadratic on an array of objects, such as an
// eth_getLogs answer).
class StrictBuilder : public nlohmann::json_sax<json> {
 public:
  json root;
  std::string repeated;        // JSON path of the first repeated key, empty if none
  size_t error_offset = 0;     // 0-based byte offset where the parser stopped
  std::string error_reason;    // the parser's message, without its prefix or quoted input

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool v) override { return put(json(v)); }
  bool number_integer(number_integer_t v) override { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
  bool string(string_t& v) override { return put(json(std::move(v))); }
  bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Frame& f = frames_[depth_ - 1];
    f.key = k;
    if (!f.keys.insert(k).second) {
      repeated = path();
      return false;
    }
    return true;
  }

  // `position` counts the bytes read, the one that made the text invalid included (the end of
  // input counts as one). nlohmann's `last_token` is not used: it can span several tokens and
  // would quote the input.
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error_offset = position == 0 ? 0 : position - 1;
    error_reason = reason_of(ex.what());
    return false;
  }

 private:
  struct Frame {
    json* node = nullptr;  // the open object or array (stable: only its last child changes)
    size_t index = 0;      // arrays: elements begun so far
    std::string key;       // objects: the current key
    std::unordered_set<std::string> keys;
  };

  // Places a value in the open container (or as the root) and returns where it now lives.
  json* place(json&& v) {
    if (depth_ == 0) {
      root = std::move(v);
      return &root;
    }
    Frame& f = frames_[depth_ - 1];
    if (f.node->is_array()) {
      ++f.index;
      f.node->push_back(std::move(v));
      return &f.node->back();
    }
    json& slot = (*f.node)[f.key];
    slot = std::move(v);
    return &slot;
  }
  bool put(json&& v) {
    place(std::move(v));
    return true;
  }
  // Frames are reused across siblings so that each object does not allocate a new set.
  bool open(json&& container) {
    json* node = place(std::move(container));
    if (frames_.size() == depth_) frames_.emplace_back();
    Frame& f = frames_[depth_++];
    f.node = node;
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
      if (f.node->is_array()) {
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
  StrictBuilder b;
  if (!json::sax_parse(text, &b)) {
    if (!b.repeated.empty()) return fail(prefix + b.repeated + ": repeated key");
    return fail(prefix + "not valid JSON at " + position_of(text, b.error_offset) + ": " +
                b.error_reason);
  }
  return std::move(b.root);
}

}  // namespace relay
