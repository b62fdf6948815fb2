// The subcommands of relayctl, one file each; main() registers them all.
#pragma once

namespace CLI {
class App;
}

namespace relay::cli {

void add_replay_command(CLI::App& app);
void add_state_commands(CLI::App& app);       // relay/cli/state_commands.cpp: solvency, receipts
void add_keygen_command(CLI::App& app);       // relay/cli/keygen_command.cpp
void add_curve_keygen_command(CLI::App& app); // relay/cli/curve_keygen_command.cpp
void add_verify_cert_command(CLI::App& app);  // relay/cli/verify_cert_command.cpp
void add_proof_commands(CLI::App& app);       // relay/cli/proof_commands.cpp: proof, verify-proof
void add_commitment_commands(CLI::App& app);  // commitment, withdrawal-proof, verify-withdrawal
void add_watch_command(CLI::App& app);        // relay/cli/watch_command.cpp
void add_network_id_command(CLI::App& app);   // relay/cli/network_id_command.cpp

}  // namespace relay::cli
