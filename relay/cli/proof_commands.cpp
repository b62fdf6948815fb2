// relayctl proof / verify-proof: a liabilities inclusion proof out of a data folder, and its
// offline check (docs/proofs.md, "Liabilities tree"). verify-proof needs nothing but the proof
// file (and optionally the root to hold it against, e.g. from a certified epoch commitment).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "proofs/inclusion_proof_codec.h"
#include "proofs/liabilities_trees.h"
#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "relay/account.h"
#include "storage/kv_store.h"

namespace relay::cli {
namespace {

struct ProofOptions {
  std::string data, account, asset;
  bool json = false;
};

struct VerifyOptions {
  std::string proof, root;
  bool json = false;
};

void print_text(const proofs::LiabilityProof& p) {
  std::cout << "asset     " << p.asset << "\naccount   " << p.account.hex() << "\nbalance   "
            << p.balance.to_decimal();
  if (p.balance.is_zero())
    std::cout << (p.other_leaf ? "  (absent: its path ends at another account's leaf)"
                               : "  (absent: its path ends at an empty subtree)");
  std::cout << "\nroot      " << p.root.hex() << "\ntotal     " << p.total.to_decimal()
            << "\nsiblings  " << p.siblings.size() << " (from the root down)\n";
  for (size_t i = 0; i < p.siblings.size(); ++i)
    std::cout << "  " << i << "  " << p.siblings[i].hash.hex() << "  sum "
              << p.siblings[i].sum.to_decimal() << "\n";
  if (p.other_leaf)
    std::cout << "other leaf key " << p.other_leaf->key.hex() << " balance "
              << p.other_leaf->balance.to_decimal() << "\n";
}

int run_proof(const ProofOptions& o) {
  const auto account = node::parse_account(o.account);
  if (!account) return die("--account: not 0x and 64 hex digits (or a 40-digit EVM address)");
  auto store = open_existing_data(o.data);
  if (!store) return die(store.error().message);
  auto tree = proofs::LiabilitiesTrees::load_asset(**store, o.asset);
  if (!tree) return die(o.data + ": " + tree.error().message);
  const proofs::LiabilityProof p = tree->prove(*account);
  if (o.json)
    std::cout << proofs::to_json(p).dump(2) << "\n";
  else
    print_text(p);
  return 0;
}

int run_verify(const VerifyOptions& o) {
  auto root_opt = parse_root_option(o.root);
  if (!root_opt) return die(root_opt.error().message);
  const std::optional<Hash32> root = *root_opt;
  auto j = read_json_file(o.proof);
  if (!j) return die(j.error().message);
  auto p = proofs::proof_from_json(*j);
  if (!p) return die(o.proof + ": malformed proof: " + p.error().message);
  if (auto ok = proofs::verify(*p, root); !ok) {
    std::cerr << "relayctl: proof refused: " << ok.error().message << "\n";
    return 1;  // the proof does not hold (2: it could not be read at all), as verify-cert
  }
  if (o.json) {
    std::cout << nlohmann::json{{"holds", true},
                                {"asset", p->asset},
                                {"account", p->account.hex()},
                                {"balance", p->balance.to_decimal()},
                                {"root", p->root.hex()},
                                {"total", p->total.to_decimal()}}
                     .dump()
              << "\n";
  } else {
    std::cout << "proof holds: account " << p->account.hex() << " has " << p->balance.to_decimal()
              << " " << p->asset << " under root " << p->root.hex() << " (total "
              << p->total.to_decimal() << ")" << (root ? "" : "; pass --root to pin the root")
              << "\n";
  }
  return 0;
}

}  // namespace

void add_proof_commands(CLI::App& app) {
  auto po = std::make_shared<ProofOptions>();
  CLI::App* proof = app.add_subcommand(
      "proof",
      "Print the liabilities proof of one account's balance of one asset (a zero-balance proof "
      "when the account holds none), from a node's data folder. Stop the node first: LevelDB "
      "allows one process per folder.");
  proof->add_option("--data", po->data, "the node's data folder (LevelDB)")->required();
  proof->add_option("--account", po->account,
                    "account id, 0x + 64 hex digits (a 0x + 40-digit EVM address is left-padded)")
      ->required();
  proof->add_option("--asset", po->asset, "canonical asset id from the genesis, e.g. USDC")
      ->required();
  proof->add_flag("--json", po->json, "print the proof as JSON (the input of verify-proof)");
  proof->callback([po]() { throw CLI::RuntimeError(run_proof(*po)); });

  auto vo = std::make_shared<VerifyOptions>();
  CLI::App* verify = app.add_subcommand(
      "verify-proof",
      "Check a liabilities proof (JSON from `relayctl proof --json`) offline. Exits 0 and prints "
      "the proven balance only if it holds; otherwise exits 1 naming what failed (2 when the "
      "file cannot be read or is not a proof).");
  verify->add_option("--proof", vo->proof, "proof file (JSON)")->required();
  verify->add_option("--root", vo->root,
                     "liabilities root the proof must hold against (0x + 64 hex digits), e.g. "
                     "from a certified epoch commitment; without it only self-consistency is "
                     "checked");
  verify->add_flag("--json", vo->json, "print the result as one JSON object");
  verify->callback([vo]() { throw CLI::RuntimeError(run_verify(*vo)); });
}

}  // namespace relay::cli
