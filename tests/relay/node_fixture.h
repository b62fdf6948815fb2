// Helpers for the node's tests: a genesis with epochs, and the secret half of a CURVE key file
// (to check that it never appears in a log). Header-only; test code only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/relayctl.h"

namespace relay::test {

/// `genesis` (JSON text) with "epochs": {start_time, seconds} added.
inline std::string with_epochs(const std::string& genesis, uint64_t start_time = 1000,
                               uint64_t seconds = 10) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(genesis);
  j["epochs"] = {{"start_time", start_time}, {"seconds", seconds}};
  return j.dump(2) + "\n";
}

/// The Z85 secret key written in a CURVE key file.
inline std::string curve_secret_text(const std::string& path) {
  return nlohmann::json::parse(testing::read_text(path))["secret_key"].get<std::string>();
}

}  // namespace relay::test
