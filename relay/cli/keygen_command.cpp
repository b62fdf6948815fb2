// relayctl keygen [--publisher] --out F: makes a validator key (or, with --publisher, an EVM
// publisher's transaction key: docs/adapters.md "Publisher"), writes it to a new file with mode
// 0600 (never overwriting one) and prints the public key and EVM address — for a publisher key,
// the address to fund. The secret is never printed (DESIGN.md "Security"); it goes only into
// the file.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "proofs/keys.h"
#include "proofs/keys_file.h"
#include "relay/cli/commands.h"
#include "relay/cli/util.h"

namespace relay::cli {
namespace {

struct KeygenOptions {
  std::string out;
  bool publisher = false;
  bool json = false;
};

int run_keygen(const KeygenOptions& o) {
  auto secret = generate_secret_key();
  if (!secret) return die("keygen: " + secret.error().message);
  auto key = make_validator_key(*secret);
  if (!key) return die("keygen: " + key.error().message);
  const KeyRole role = o.publisher ? KeyRole::publisher : KeyRole::validator;
  if (auto w = write_key_file(o.out, *key, role); !w) return die(w.error().message);
  if (o.json) {
    nlohmann::json j = {{"key_file", o.out},
                        {"type", key_file_type(role)},
                        {"public_key", key->public_key.hex()},
                        {"address", key->address.hex()}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "wrote " << o.out << " (" << key_file_type(role)
              << ", mode 0600)\npublic key: " << key->public_key.hex()
              << "\naddress: " << key->address.hex() << "\n";
    if (o.publisher)
      std::cout << "fund " << key->address.hex()
                << " with the native coin of each chain it publishes to (it pays the gas of "
                   "commitEpoch)\n";
  }
  return 0;
}

}  // namespace

void add_keygen_command(CLI::App& app) {
  auto o = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "keygen",
      "Generate a validator key (or, with --publisher, an EVM publisher key) into a new file "
      "with mode 0600 and print its public key and EVM address. Never overwrites a file; never "
      "prints the secret.");
  cmd->add_option("--out", o->out, "key file to create")->required();
  cmd->add_flag("--publisher", o->publisher,
                "make an EVM publisher key (\"relay-publisher-key\": pays the gas of commitEpoch "
                "transactions) instead of a validator key; prints the address to fund");
  cmd->add_flag("--json", o->json, "print the public key and address as one JSON object");
  cmd->callback([o]() { throw CLI::RuntimeError(run_keygen(*o)); });
}

}  // namespace relay::cli
