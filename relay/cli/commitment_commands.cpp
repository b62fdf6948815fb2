// relayctl commitment / withdrawal-proof / verify-withdrawal: the epoch commitment a node stored
// for an epoch (what validators sign and `relayctl verify-cert` checks), the Merkle proof of a
// withdrawal certified in an epoch, and that proof's offline check (docs/proofs.md "Epoch
// commitment", "Withdrawal commitment", "Storage of commitments and withdrawals").
#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "proofs/commitment_json.h"
#include "proofs/commitment_store.h"
#include "proofs/liabilities_trees.h"
#include "proofs/withdrawal_tree_json.h"
#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "storage/kv_store.h"
#include "vault/asset_registry.h"

namespace relay::cli {
namespace {

struct CommitmentOptions {
  std::string data, epoch;
  bool json = false;
};

struct WithdrawalProofOptions {
  std::string data, id, epoch;
  bool json = false;
};

struct VerifyWithdrawalOptions {
  std::string proof, root;
  bool json = false;
};

int run_commitment(const CommitmentOptions& o) {
  const auto epoch = parse_epoch(o.epoch);
  if (!epoch) return die(epoch.error().message);
  auto store = open_existing_data(o.data);
  if (!store) return die(store.error().message);
  auto s = proofs::load_commitment(**store, *epoch);
  if (!s) return die(o.data + ": " + s.error().message);
  const EpochCommitment& c = s->commitment;
  if (o.json) {
    nlohmann::ordered_json j = commitment_to_json(c);
    j["hash"] = s->hash.hex();
    j["encoding"] = to_hex(s->encoding);
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  // The asset ids are stored beside the trees; chains are named by genesis index.
  auto assets = proofs::LiabilitiesTrees::stored_assets(**store);
  auto asset_name = [&](size_t a) {
    return assets && a < assets->size() ? (*assets)[a] : "asset " + std::to_string(a);
  };
  std::cout << "epoch            " << c.epoch << "\ncommitment hash  " << s->hash.hex()
            << "\nnetwork id       " << c.network_id.hex() << "\nprevious         "
            << c.previous.hex() << "\nend time         " << c.end_time
            << (c.end_time ? "" : " (no chain data: the empty cuts)") << "\n";
  for (size_t ch = 0; ch < c.chain_count(); ++ch) {
    const ChainCut cut = c.cut(ch);
    std::cout << "chain " << ch << ": ";
    if (cut.is_empty())
      std::cout << "empty cut";
    else
      std::cout << "cut at block " << cut.height << " " << cut.hash.hex() << ", timestamp "
                << cut.timestamp << ", " << cut.event_count << " vault event(s), accumulator "
                << cut.accumulator.hex();
    std::cout << "\n  withdrawal root " << c.withdrawal_roots[ch].hex() << "\n";
    for (size_t a = 0; a < c.asset_count(); ++a)
      std::cout << "  " << asset_name(a) << ": custody " << c.custody_at(ch, a).to_decimal()
                << ", pending " << c.pending_at(ch, a).to_decimal() << "\n";
  }
  for (size_t a = 0; a < c.asset_count(); ++a)
    std::cout << "liabilities " << asset_name(a) << ": root " << c.liabilities_roots[a].hex()
              << ", total " << c.liabilities_totals[a].to_decimal() << "\n";
  std::cout << "encoding         " << s->encoding.size()
            << " bytes (abi.encode; --json prints them)\n";
  return 0;
}

int run_withdrawal_proof(const WithdrawalProofOptions& o) {
  const auto id = WithdrawalId::from_hex(o.id);
  if (!id) return die("--id: not 0x and 64 hex digits");
  const auto epoch = parse_epoch(o.epoch);
  if (!epoch) return die(epoch.error().message);
  auto store = open_existing_data(o.data);
  if (!store) return die(store.error().message);
  auto p = proofs::prove_stored_withdrawal(**store, *epoch, *id);
  if (!p) return die(o.data + ": " + p.error().message);
  const WithdrawalProofDocument& d = p->document;
  if (o.json) {
    std::cout << withdrawal_proof_to_json(d).dump(2) << "\n";
    return 0;
  }
  std::cout << "withdrawal   " << d.leaf.id.hex() << "\nepoch        " << *epoch
            << "\nchain        " << p->chain << " (destination, genesis index)\nrecipient    "
            << d.leaf.recipient.hex() << "\ntoken        " << d.leaf.token.hex()
            << "\namount       " << uint256_to_decimal(d.leaf.amount)
            << " (token units)\nindex        " << d.proof.index << " of " << d.proof.count
            << "\nroot         " << d.root.hex() << "\nsiblings     " << d.proof.siblings.size()
            << " (bottom-up)\n";
  for (size_t i = 0; i < d.proof.siblings.size(); ++i)
    std::cout << "  " << i << "  " << d.proof.siblings[i].hex() << "\n";
  return 0;
}

int run_verify_withdrawal(const VerifyWithdrawalOptions& o) {
  auto pinned_opt = parse_root_option(o.root);
  if (!pinned_opt) return die(pinned_opt.error().message);
  const std::optional<Hash32> pinned = *pinned_opt;
  auto j = read_json_file(o.proof);
  if (!j) return die(j.error().message);
  auto d = withdrawal_proof_from_json(*j);
  if (!d) return die(o.proof + ": malformed proof: " + d.error().message);
  auto refused = [&](const std::string& why) {
    if (o.json) std::cout << nlohmann::json{{"holds", false}, {"error", why}}.dump() << "\n";
    std::cerr << "relayctl: withdrawal proof refused: " << why << "\n";
    return 1;
  };
  if (pinned && *pinned != d->root)
    return refused("the proof is for root " + d->root.hex() + ", not the --root " + pinned->hex());
  if (auto ok = verify_withdrawal_proof(d->root, d->leaf, d->proof); !ok)
    return refused(std::string(to_string(ok.error())));
  if (o.json) {
    std::cout << nlohmann::json{{"holds", true},
                                {"id", d->leaf.id.hex()},
                                {"recipient", d->leaf.recipient.hex()},
                                {"token", d->leaf.token.hex()},
                                {"amount", uint256_to_decimal(d->leaf.amount)},
                                {"root", d->root.hex()}}
                     .dump()
              << "\n";
  } else {
    std::cout << "proof holds: withdrawal " << d->leaf.id.hex() << " pays "
              << uint256_to_decimal(d->leaf.amount) << " of token " << d->leaf.token.hex() << " to "
              << d->leaf.recipient.hex() << " under root " << d->root.hex()
              << (pinned ? "" : "; pass --root to pin the root") << "\n";
  }
  return 0;
}

}  // namespace

void add_commitment_commands(CLI::App& app) {
  auto co = std::make_shared<CommitmentOptions>();
  CLI::App* commitment = app.add_subcommand(
      "commitment",
      "Print the epoch commitment a data folder stored for an epoch: network id, previous hash, "
      "end time, each chain's cut (height, hash, timestamp, vault event count and accumulator), "
      "liabilities roots and totals, custody, pending withdrawals, withdrawal roots, and its "
      "hash (what validators sign and `relayctl verify-cert` checks). Stop the node first: "
      "LevelDB allows one process per folder.");
  commitment->add_option("--data", co->data, "the node's data folder (LevelDB)")->required();
  commitment->add_option("--epoch", co->epoch, "epoch number (0 is the first)")->required();
  commitment->add_flag("--json", co->json,
                       "print JSON: the certificate file's commitment fields, \"hash\", and "
                       "\"encoding\" (the abi-encoded bytes whose SHA-256 is the hash)");
  commitment->callback([co]() { throw CLI::RuntimeError(run_commitment(*co)); });

  auto wo = std::make_shared<WithdrawalProofOptions>();
  CLI::App* proof = app.add_subcommand(
      "withdrawal-proof",
      "Print the Merkle proof of a withdrawal certified in an epoch, in its destination chain's "
      "withdrawal tree for that epoch (leaf, index, count, siblings, root), from a stopped "
      "node's data folder.");
  proof->add_option("--data", wo->data, "the node's data folder (LevelDB)")->required();
  proof->add_option("--epoch", wo->epoch, "the epoch that certified the withdrawal")->required();
  proof->add_option("--id", wo->id, "withdrawal id, 0x + 64 hex digits")->required();
  proof->add_flag("--json", wo->json,
                  "print the proof as JSON (what a claimer submits; the input of "
                  "verify-withdrawal)");
  proof->callback([wo]() { throw CLI::RuntimeError(run_withdrawal_proof(*wo)); });

  auto vo = std::make_shared<VerifyWithdrawalOptions>();
  CLI::App* verify = app.add_subcommand(
      "verify-withdrawal",
      "Check a withdrawal proof (JSON from `relayctl withdrawal-proof --json`) offline, as the "
      "vault contract does. Exits 0 only if it holds; 1 names what failed; 2 if the file cannot "
      "be read or is malformed.");
  verify->add_option("--proof", vo->proof, "proof file (JSON)")->required();
  verify->add_option("--root", vo->root,
                     "withdrawal root the proof must hold against (0x + 64 hex digits), from a "
                     "certified commitment; without it only self-consistency is checked");
  verify->add_flag("--json", vo->json, "print the result as one JSON object");
  verify->callback([vo]() { throw CLI::RuntimeError(run_verify_withdrawal(*vo)); });
}

}  // namespace relay::cli
