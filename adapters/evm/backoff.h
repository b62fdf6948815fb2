// Backoff: how long to wait before asking a failing endpoint again — exponential in the number
// of failures in a row, with jitter ("equal jitter": half the delay fixed, half random) so that
// many adapters restarted together do not retry in lockstep; a server's Retry-After, when
// given, is the wait instead (capped). Not thread-safe (it owns its random generator).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace relay::evm {

struct BackoffOptions {
  std::chrono::milliseconds base{250};    // the first delay's ceiling
  std::chrono::milliseconds max{30000};   // no delay above this (but Retry-After)
  std::chrono::seconds max_retry_after{600};  // a Retry-After longer than this is cut to it
};

class Backoff {
 public:
  Backoff(BackoffOptions options, uint64_t seed) : options_(options), random_(seed) {}

  /// The wait after the `failures`-th failure in a row (≥ 1): d/2 + uniform[0, d/2] with
  /// d = min(max, base · 2^(failures − 1)); or `retry_after` (cut to max_retry_after) if given.
  std::chrono::milliseconds delay(uint32_t failures,
                                  std::optional<std::chrono::seconds> retry_after = {});

 private:
  BackoffOptions options_;
  std::mt19937_64 random_;
};

}  // namespace relay::evm
