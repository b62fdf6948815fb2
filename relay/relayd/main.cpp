// relayd: one validator of the relay (docs/node.md). Option parsing and wiring only: the
// configuration is loaded and checked by relay/config_check.h, the node is relay/node.h.
// Exit codes: 0 stopped by SIGTERM/SIGINT (or --check-config found no problem); 1 the node
// failed while running; 2 bad configuration or options (every problem printed, one per line).
#include <CLI/CLI.hpp>
#include <iostream>

#include "relay/config_check.h"
#include "relay/log.h"
#include "relay/node.h"
#include "relay/stop_signals.h"
#include "relay/version.h"

namespace {

using namespace relay::node;

struct Options {
  std::string config;
  bool check_config = false;
  std::string log_format, log_level;
};

int fail_with(const std::string& message, int code) {
  std::cerr << "relayd: " << message << "\n";
  return code;
}

// --log-format / --log-level override node.toml's.
relay::Result<void> apply_overrides(const Options& o, NodeSection& node) {
  if (o.log_format == "json")
    node.log_format = LogFormat::kJson;
  else if (o.log_format == "text")
    node.log_format = LogFormat::kText;
  else if (!o.log_format.empty())
    return relay::fail("--log-format: \"" + o.log_format + "\" is not text or json");
  if (o.log_level.empty()) return {};
  for (LogLevel l :
       {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError})
    if (o.log_level == to_string(l)) {
      node.log_level = l;
      return {};
    }
  return relay::fail("--log-level: \"" + o.log_level +
                     "\" is not trace, debug, info, warn or error");
}

int run(const Options& o) {
  auto loaded = load_config(o.config);
  if (!loaded) return fail_with("configuration refused:\n" + loaded.error().message, 2);
  if (auto ok = apply_overrides(o, loaded->config.node); !ok)
    return fail_with(ok.error().message, 2);
  if (o.check_config) {
    std::cout << describe(*loaded) << "configuration OK\n";
    return 0;
  }
  // Before any thread starts: every thread inherits the blocked stop signals.
  auto stop = StopSignals::install();
  if (!stop) return fail_with(stop.error().message, 1);
  Log log = Log::to_stderr(loaded->config.node.log_level, loaded->config.node.log_format);
  auto node = Node::open(*loaded, log);
  if (!node) {
    log.error("cannot start", {{"reason", node.error().message}});
    return 2;
  }
  if (auto r = (*node)->run(**stop); !r) {
    log.error("failed", {{"reason", r.error().message}});
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"relayd: a validator node of the multi-chain synchronization relay (docs/node.md)"};
  app.set_version_flag("--version", std::string("relayd ") + relay::kVersion);
  Options o;
  app.add_option("--config", o.config, "node.toml (docs/node.md \"Configuration\")")->required();
  app.add_flag("--check-config", o.check_config,
               "check the configuration, print what it found (no secrets) and exit: 0 when good, "
               "2 with every problem");
  app.add_option("--log-format", o.log_format, "text or json (overrides node.log_format)");
  app.add_option("--log-level", o.log_level,
                 "trace, debug, info, warn or error (overrides node.log_level)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return run(o);
}
