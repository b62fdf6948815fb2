// The JSON summary of a canonical state (relayctl replay's output, issue 2): balances,
// custody, pending, liabilities, invariants and the state digest. Zero entries are left out,
// hex is lowercase, amounts are decimal strings.
#pragma once

#include <nlohmann/json.hpp>

#include "canonical_state/canonical_state.h"

namespace relay::cli {

nlohmann::json state_json(const CanonicalState& state);
nlohmann::json stats_json(const BatchStats& stats);

}  // namespace relay::cli
