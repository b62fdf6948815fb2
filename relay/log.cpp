#include "relay/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <time.h>

#include <chrono>

namespace relay::node {
namespace {

spdlog::level::level_enum spd_level(LogLevel l) {
  switch (l) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// RFC 3339 UTC with milliseconds: 2026-11-30T12:00:00.123Z.
std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const time_t secs = time_t(ms.count() / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  const size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%03dZ", int(ms.count() % 1000));
  return buf;
}

// A field value in a text line: strings as they are unless they need quoting, others as JSON.
std::string text_value(const nlohmann::ordered_json& v) {
  auto dump = [&] {
    return v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  };
  if (!v.is_string()) return dump();
  const std::string& s = v.get_ref<const std::string&>();
  const bool plain = !s.empty() && s.find_first_of(" \t\n\r\"=\\") == std::string::npos;
  return plain ? s : dump();
}

}  // namespace

Log Log::to_stderr(LogLevel level, LogFormat format, std::string component) {
  auto logger =
      std::make_shared<spdlog::logger>("relayd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%v");  // each line is formatted whole by format_line
  logger->set_level(spd_level(level));
  logger->flush_on(spdlog::level::trace);
  return Log(std::move(logger), format, std::move(component));
}

Log::Log(std::shared_ptr<spdlog::logger> logger, LogFormat format, std::string component)
    : logger_(std::move(logger)), format_(format), component_(std::move(component)) {}

Log Log::component(std::string name) const { return Log(logger_, format_, std::move(name)); }

std::string Log::format_line(std::string_view time, LogLevel level, std::string_view message,
                             const nlohmann::ordered_json& fields) const {
  if (format_ == LogFormat::kJson) {
    nlohmann::ordered_json j = {
        {"time", time},
        {"level", to_string(level)},
        {"component", component_},
        {"message", message},
        {"fields", fields.is_object() ? fields : nlohmann::ordered_json::object()}};
    // Invalid UTF-8 (a peer's or chain's bytes in a message) is replaced, never a throw.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  std::string line = std::string(time) + " " + to_string(level) + " " + component_ + ": ";
  line += message;
  if (fields.is_object())
    for (const auto& [k, v] : fields.items()) line += " " + k + "=" + text_value(v);
  return line;
}

void Log::log(LogLevel level, std::string_view message,
              const nlohmann::ordered_json& fields) const {
  if (!logger_->should_log(spd_level(level))) return;
  logger_->log(spd_level(level), "{}", format_line(now_utc(), level, message, fields));
}

}  // namespace relay::node
