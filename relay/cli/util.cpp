#include "relay/cli/util.h"

#include "relay/data_folder.h"
#include "relay/genesis_file.h"

#include <filesystem>
#include <iostream>

#include "vault/json_strict.h"

namespace relay::cli {

Result<nlohmann::json> read_json_file(const std::string& path) {
  auto text = node::read_whole_file(path);
  if (!text) return std::unexpected(text.error());
  return parse_json_strict(*text, path);
}

Result<std::optional<Hash32>> parse_root_option(const std::string& value) {
  if (value.empty()) return std::optional<Hash32>{};
  auto root = Hash32::from_hex(value);
  if (!root) return fail("--root: not 0x and 64 hex digits");
  return std::optional<Hash32>{*root};
}

Result<std::unique_ptr<storage::KvStore>> open_existing_data(const std::string& data) {
  if (!std::filesystem::is_directory(data)) return fail("--data: " + data + " is not a folder");
  if (!std::filesystem::exists(std::filesystem::path(data) / "CURRENT"))
    return fail("--data: " + data + " holds no LevelDB database (no CURRENT file)");
  auto folder = node::open_data_folder_read_only(data);
  if (!folder) return std::unexpected(folder.error());
  return std::move(folder->store);
}

Result<uint64_t> parse_count(const std::string& option, const std::string& s, const char* what) {
  uint64_t v = 0;
  bool ok = !s.empty() && s.size() <= 20;
  for (char c : s) {
    if (!ok || c < '0' || c > '9' || v > (UINT64_MAX - uint64_t(c - '0')) / 10) {
      ok = false;
      break;
    }
    v = v * 10 + uint64_t(c - '0');
  }
  if (!ok) return fail(option + ": " + s + " is not " + what + " (a decimal integer, 0 or more)");
  return v;
}

Result<uint64_t> parse_epoch(const std::string& s) { return parse_count("--epoch", s, "an epoch number"); }

int die(const std::string& message) {
  std::cerr << "relayctl: " << message << "\n";
  return 2;
}

}  // namespace relay::cli
