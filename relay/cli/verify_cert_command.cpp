// relayctl verify-cert --genesis G --cert F: checks an epoch certificate offline against the
// network genesis (docs/proofs.md "Verification rules"). Exit 0 only if it is
// valid, printing the epoch, commitment hash, signers and weight, and per asset the custody,
// liabilities and pending it checked balance; exit 1 naming the failure if
// the certificate is invalid; exit 2 if the genesis or certificate file cannot be read.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "proofs/certificate.h"
#include "proofs/certificate_json.h"
#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "relay/genesis_file.h"
#include "vault/genesis.h"

namespace relay::cli {
namespace {

struct VerifyCertOptions {
  std::string genesis, cert;
  bool json = false;
};

int invalid(const VerifyCertOptions& o, std::string_view kind, const std::string& message) {
  if (o.json) {
    nlohmann::json j = {{"valid", false}, {"error", kind}, {"message", message}};
    std::cout << j.dump() << "\n";
  }
  std::cerr << "relayctl: certificate " << o.cert << " is INVALID: " << kind << ": " << message
            << "\n";
  return 1;
}

int run_verify_cert(const VerifyCertOptions& o) {
  auto genesis = node::read_genesis_file(o.genesis);
  if (!genesis) return die(genesis.error().message);
  auto ctext = node::read_whole_file(o.cert);
  if (!ctext) return die("certificate " + ctext.error().message);
  auto cert = certificate_from_json(*ctext);
  if (!cert) return invalid(o, "malformed certificate file", cert.error().message);
  auto v = verify_certificate(*cert, *genesis);
  if (!v) return invalid(o, to_string(v.error().kind), v.error().message);

  const Genesis& g = *genesis;
  const EpochCommitment& c = cert->commitment;
  uint64_t total = 0;
  for (const Validator& val : g.validators) total += val.weight;
  // Per asset, the amounts whose balance verification checked (check_commitment_content):
  // custody over all chains = liabilities (balances) + pending over all chains.
  nlohmann::json assets = nlohmann::json::array();
  for (size_t a = 0; a < c.asset_count(); ++a) {
    Amount custody, pending;  // no overflow: verification refused sums reaching 2^128
    for (size_t ch = 0; ch < c.chain_count(); ++ch) {
      custody = *custody.checked_add(c.custody_at(ch, a));
      pending = *pending.checked_add(c.pending_at(ch, a));
    }
    assets.push_back({{"asset", g.assets[a].id.value},
                      {"custody", custody.to_decimal()},
                      {"liabilities", c.liabilities_totals[a].to_decimal()},
                      {"pending", pending.to_decimal()}});
  }
  if (o.json) {
    nlohmann::json signers = nlohmann::json::array();
    for (size_t i : v->signers)
      signers.push_back({{"name", g.validators[i].name}, {"weight", g.validators[i].weight}});
    nlohmann::json j = {{"valid", true},
                        {"network", g.network},
                        {"network_id", g.network_id.hex()},
                        {"epoch", v->epoch},
                        {"end_time", c.end_time},
                        {"commitment_hash", v->commitment_hash.hex()},
                        {"signers", signers},
                        {"weight", v->weight},
                        {"quorum", g.quorum},
                        {"total_weight", total},
                        {"assets", assets}};
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::cout << "certificate valid\nnetwork: " << g.network << " " << g.network_id.hex()
            << "\nepoch: " << v->epoch << " (ends at " << c.end_time
            << (c.end_time ? "" : ": no chain data, the empty cuts") << ")\ncommitment hash: "
            << v->commitment_hash.hex() << "\nsigners:";
  for (size_t n = 0; n < v->signers.size(); ++n) {
    const Validator& val = g.validators[v->signers[n]];
    std::cout << (n ? ", " : " ") << val.name << " (weight " << val.weight << ")";
  }
  std::cout << "\nweight: " << v->weight << " (quorum " << g.quorum << ", total " << total << ")\n";
  for (const auto& a : assets)
    std::cout << a["asset"].get<std::string>() << ": custody " << a["custody"].get<std::string>()
              << " = liabilities " << a["liabilities"].get<std::string>() << " + pending "
              << a["pending"].get<std::string>() << "\n";
  return 0;
}

}  // namespace

void add_verify_cert_command(CLI::App& app) {
  auto o = std::make_shared<VerifyCertOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify-cert",
      "Check an epoch certificate offline against the network genesis: the commitment's shape, "
      "cuts and amounts (per asset, custody = liabilities + pending), every signature low-s, "
      "from a distinct genesis validator, under this network's domain, reaching the quorum. "
      "Exit 0 only if valid; 1 names what is wrong; 2 if a file cannot be read.");
  cmd->add_option("--genesis", o->genesis, "network genesis JSON file")->required();
  cmd->add_option("--cert", o->cert, "certificate JSON file")->required();
  cmd->add_flag("--json", o->json, "print the result as one JSON object");
  cmd->callback([o]() { throw CLI::RuntimeError(run_verify_cert(*o)); });
}

}  // namespace relay::cli
