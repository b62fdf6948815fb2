// The subcommands of relayctl, one file each; main() registers them all.
#pragma once

namespace CLI {
class App;
}

namespace relay::cli {

void add_replay_command(CLI::App& app);

}  // namespace relay::cli
