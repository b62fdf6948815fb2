// Helpers for tests that run the real relayctl binary: run it, read and write files, parse
// its JSON output.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace relay::testing {

inline ProcessResult relayctl(std::vector<std::string> args) {
  args.insert(args.begin(), RELAY_BIN_DIR "/relayctl");
  return run_process(args);
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Writes `text` to `name` in `dir` and returns the path.
inline std::string write(const TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

/// The output of a run that must succeed, as one JSON value.
inline nlohmann::json json_ok(const ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.out;
  return j;
}

}  // namespace relay::testing
