// relayctl: the operator's and auditor's command line. Each subcommand lives in its own file
// (commands.h); this file only registers them.
#include <CLI/CLI.hpp>

#include "relay/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"relayctl: tools for the multi-chain synchronization relay (replay, proofs, keys)"};
  app.require_subcommand(1);
  relay::cli::add_replay_command(app);
  relay::cli::add_state_commands(app);
  relay::cli::add_proof_commands(app);
  relay::cli::add_commitment_commands(app);
  relay::cli::add_keygen_command(app);
  relay::cli::add_curve_keygen_command(app);
  relay::cli::add_verify_cert_command(app);
  relay::cli::add_watch_command(app);
  relay::cli::add_network_id_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own exit code (each command throws its result)
  } catch (const CLI::ParseError& e) {
    // --help exits 0; a bad option or value is bad input: exit 2, as every command's own.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return 0;
}
