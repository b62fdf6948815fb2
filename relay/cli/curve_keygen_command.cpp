// relayctl curve-keygen --out F: makes a CURVE key pair (ZeroMQ CurveZMQ) for a node's peer and
// adapter links, writes it to a new file with mode 0600 (never overwriting one) and prints the
// public key (Z85), which goes into the peers' `curve_public_key` / `adapter_curve_public_key`
// (docs/node.md "Configuration"). The secret is never printed; it goes only into the file.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "wire/curve_key.h"

namespace relay::cli {
namespace {

struct CurveKeygenOptions {
  std::string out;
  bool json = false;
};

int run_curve_keygen(const CurveKeygenOptions& o) {
  auto keys = net::generate_curve_key_pair();
  if (!keys) return die("curve-keygen: " + keys.error().message);
  if (auto w = net::write_curve_key_file(o.out, *keys); !w) return die(w.error().message);
  const std::string pub = net::to_z85(keys->public_key);
  if (o.json) {
    nlohmann::json j = {{"key_file", o.out}, {"public_key", pub}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "wrote " << o.out << " (mode 0600)\npublic key: " << pub << "\n";
  }
  return 0;
}

}  // namespace

void add_curve_keygen_command(CLI::App& app) {
  auto o = std::make_shared<CurveKeygenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "curve-keygen",
      "Generate a CURVE key pair (ZeroMQ, for peer and adapter links) into a new file with mode "
      "0600 and print its public key (Z85). Never overwrites a file; never prints the secret.");
  cmd->add_option("--out", o->out, "key file to create")->required();
  cmd->add_flag("--json", o->json, "print the public key as one JSON object");
  cmd->callback([o]() { throw CLI::RuntimeError(run_curve_keygen(*o)); });
}

}  // namespace relay::cli
