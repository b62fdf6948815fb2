// relayctl network-id --genesis G [--json]: the network id of a genesis file, SHA-256 of its
// exact bytes (docs/proofs.md "Genesis and network id"), after checking that the file is a
// valid genesis. With --json, one object: network_id, network (the name), bytes (file length).
// Exit 0; 2 when the file cannot be read or is not a valid genesis.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "relay/genesis_file.h"
#include "vault/genesis.h"

namespace relay::cli {
namespace {

struct NetworkIdOptions {
  std::string genesis;
  bool json = false;
};

int run_network_id(const NetworkIdOptions& o) {
  auto text = node::read_whole_file(o.genesis);
  if (!text) return die("genesis " + text.error().message);
  auto g = parse_genesis(*text);
  if (!g) return die(o.genesis + ": " + g.error().message);
  if (o.json) {
    nlohmann::json j = {
        {"network_id", g->network_id.hex()}, {"network", g->network}, {"bytes", text->size()}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << g->network_id.hex() << "\n";
  }
  return 0;
}

}  // namespace

void add_network_id_command(CLI::App& app) {
  auto o = std::make_shared<NetworkIdOptions>();
  CLI::App* cmd = app.add_subcommand(
      "network-id",
      "Print a genesis file's network id: 0x and the SHA-256 of the file's exact bytes (every "
      "byte counts, whitespace too), after checking it is a valid genesis. Exit 2 if not.");
  cmd->add_option("--genesis", o->genesis, "network genesis JSON file")->required();
  cmd->add_flag("--json", o->json,
                "print one JSON object: network_id, network (its name), bytes (file length)");
  cmd->callback([o]() { throw CLI::RuntimeError(run_network_id(*o)); });
}

}  // namespace relay::cli
