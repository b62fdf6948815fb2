// relayctl solvency / receipts: read a stopped node's (or a replay's) data folder, read-only
// (relay/data_folder.h: nothing in the folder is written or created).
#include <CLI/CLI.hpp>
#include <iostream>

#include "canonical_state/canonical_state.h"
#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "relay/data_folder.h"
#include "relay/genesis_file.h"
#include "relay/state_summary.h"

namespace relay::cli {
namespace {

struct Options {
  std::string genesis, data;
  std::string epoch;
  bool json = false;
};

// A folder's canonical state, opened read-only (the folder must be of this genesis's network).
struct Opened {
  Genesis genesis;
  node::DataFolder folder;
  std::unique_ptr<CanonicalState> state;
};

Result<std::unique_ptr<Opened>> open_state(const Options& o) {
  auto opened = std::make_unique<Opened>();
  auto g = node::read_genesis_file(o.genesis);
  if (!g) return std::unexpected(g.error());
  opened->genesis = std::move(*g);
  auto folder = node::open_data_folder_read_only(o.data, opened->genesis.network_id);
  if (!folder) return std::unexpected(folder.error());
  opened->folder = std::move(*folder);
  auto cs = CanonicalState::open(opened->genesis, *opened->folder.store);
  if (!cs) return fail(o.data + ": " + cs.error().message);
  opened->state = std::move(*cs);
  return opened;
}

int run_solvency(const Options& o) {
  auto opened = open_state(o);
  if (!opened) return die(opened.error().message);
  const nlohmann::json out = node::solvency_json(*(*opened)->state);
  const bool ok = out["invariants_ok"].get<bool>();
  if (o.json) {
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "epochs committed: " << out["epochs"] << "\n";
    for (auto& [id, j] : out["assets"].items())
      std::cout << id << ": custody " << j["total_custody"].get<std::string>() << ", liabilities "
                << j["liabilities"].get<std::string>() << ", surplus "
                << j["surplus"].get<std::string>() << "\n";
    std::cout << "invariants: "
              << (ok ? "ok" : "BROKEN: " + out["invariant_broken"].get<std::string>()) << "\n";
  }
  return ok ? 0 : 3;
}

int run_receipts(const Options& o) {
  const auto epoch = parse_epoch(o.epoch);
  if (!epoch) return die(epoch.error().message);
  auto opened = open_state(o);
  if (!opened) return die(opened.error().message);
  auto receipts = (*opened)->state->receipts(*epoch);
  if (!receipts) return die(receipts.error().message);
  const nlohmann::json out = node::receipts_json(*receipts);
  if (o.json) {
    std::cout << out.dump() << "\n";
  } else {
    for (const auto& r : out)
      std::cout << "epoch " << r["epoch"] << " #" << r["index"] << " "
                << r["chain"].get<std::string>() << " block " << r["block"] << " log "
                << r["log_index"] << ": " << r["reason"].get<std::string>() << "\n";
    if (out.empty()) std::cout << "no rejected events in epoch " << *epoch << "\n";
  }
  return 0;
}

void common(CLI::App* cmd, Options& o) {
  cmd->add_option("--genesis", o.genesis, "network genesis JSON file")->required();
  cmd->add_option("--data", o.data, "data folder (stop the node first: one process per folder)")
      ->required();
  cmd->add_flag("--json", o.json, "print JSON");
}

}  // namespace

void add_state_commands(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* solvency = app.add_subcommand(
      "solvency",
      "Per asset: custody per chain, pending withdrawals, liabilities and the surplus, and whether "
      "every invariant holds, from a data folder.");
  common(solvency, *o);
  solvency->callback([o]() { throw CLI::RuntimeError(run_solvency(*o)); });

  auto r = std::make_shared<Options>();
  CLI::App* receipts = app.add_subcommand(
      "receipts", "The events rejected in one epoch, with their reasons, from a data folder.");
  common(receipts, *r);
  receipts->add_option("--epoch", r->epoch, "epoch number (0 is the first)")->required();
  receipts->callback([r]() { throw CLI::RuntimeError(run_receipts(*r)); });
}

}  // namespace relay::cli
