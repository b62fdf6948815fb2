// The relay's version, as every binary's --version prints it.
#pragma once

namespace relay {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace relay
