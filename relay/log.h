// Log: the node's structured logging over spdlog, to stderr (where a service manager collects
// it). Each line has a time (UTC, milliseconds), a level, a component ("node", "ingest",
// "cut", ...), a message and fields:
//   text: 2026-11-30T12:00:00.123Z info node: epoch signed epoch=12 hash=0x…
//   json: {"time":"2026-11-30T12:00:00.123Z","level":"info","component":"node",
//          "message":"epoch signed","fields":{"epoch":12,"hash":"0x…"}}   (one object per line)
// Fields are JSON values, so a secret cannot be logged by accident: SecretKey has no JSON form
// (proofs/keys.h) and no other way to print it.
// Thread-safety: a Log may be copied and used from any thread (spdlog's _mt sink).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "relay/config.h"

namespace spdlog {
class logger;
}

namespace relay::node {

class Log {
 public:
  /// A log writing to stderr at `level` and above, in `format`, as `component`.
  static Log to_stderr(LogLevel level, LogFormat format, std::string component = "node");
  /// A log writing to the given spdlog logger (tests give one with their own sink).
  Log(std::shared_ptr<spdlog::logger> logger, LogFormat format, std::string component);

  /// The same log under another component name.
  Log component(std::string name) const;

  /// `fields` is a JSON object (or null for none), e.g. {{"epoch", 3}, {"chain", "alpha"}}.
  void log(LogLevel level, std::string_view message,
           const nlohmann::ordered_json& fields = nullptr) const;
  void trace(std::string_view m, const nlohmann::ordered_json& f = nullptr) const {
    log(LogLevel::kTrace, m, f);
  }
  void debug(std::string_view m, const nlohmann::ordered_json& f = nullptr) const {
    log(LogLevel::kDebug, m, f);
  }
  void info(std::string_view m, const nlohmann::ordered_json& f = nullptr) const {
    log(LogLevel::kInfo, m, f);
  }
  void warn(std::string_view m, const nlohmann::ordered_json& f = nullptr) const {
    log(LogLevel::kWarn, m, f);
  }
  void error(std::string_view m, const nlohmann::ordered_json& f = nullptr) const {
    log(LogLevel::kError, m, f);
  }

  /// The line `log` writes (without the newline), for a given time string.
  std::string format_line(std::string_view time, LogLevel level, std::string_view message,
                          const nlohmann::ordered_json& fields) const;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  LogFormat format_;
  std::string component_;
};

}  // namespace relay::node
