// relayctl replay: applies a JSON-lines event log to a data folder (relay/replay.h: batch k as
// epoch k, batches the folder holds checked and skipped) and prints the state summary.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "relay/data_folder.h"
#include "relay/genesis_file.h"
#include "relay/replay.h"
#include "relay/state_summary.h"

namespace relay::cli {
namespace {

struct ReplayOptions {
  std::string genesis, events, data;
  bool json = false;
};

struct Summary {
  nlohmann::json json;    // node::replay_summary_json
  uint64_t rejected = 0;  // rejected events, all reasons
};

void print_text(const nlohmann::json& out, uint64_t rejected) {
  std::cout << "applied " << out["applied"] << ", duplicates " << out["duplicates"] << ", rejected "
            << rejected << ", skipped epochs " << out["skipped_epochs"] << "\nepochs "
            << out["epochs"] << ", invariants "
            << (out["invariants_ok"].get<bool>() ? "ok" : "BROKEN") << "\nstate digest "
            << out["state_digest"].get<std::string>() << "\n"
            << out.dump(2) << "\n";
}

// Applies the log to the opened folder; the summary, or the error that stopped the run.
Result<Summary> apply(const Genesis& genesis, node::DataFolder& folder, const ReplayOptions& o) {
  std::ifstream in(o.events);
  if (!in) return fail("events " + o.events + ": cannot open");
  node::Replay::Options options;
  options.progress = [](uint64_t batches, uint64_t applied) {
    std::cerr << "replay: " << batches << " batches, " << applied << " applied\n";
  };
  auto replay = node::Replay::open(genesis, *folder.store, o.data, options);
  if (!replay) return std::unexpected(replay.error());
  auto outcome = (*replay)->run(in, o.events);
  if (!outcome) return std::unexpected(outcome.error());
  return Summary{node::replay_summary_json(**replay, *outcome), outcome->applied.rejected_total()};
}

int run_replay(const ReplayOptions& o) {
  auto genesis = node::read_genesis_file(o.genesis);
  if (!genesis) return die(genesis.error().message);
  if (!std::ifstream(o.events)) return die("events " + o.events + ": cannot open");
  auto folder = node::open_data_folder(o.data, genesis->network_id);
  if (!folder) return die(folder.error().message);
  auto out = apply(*genesis, *folder, o);
  if (!out) {
    // A first run that committed nothing leaves no folder behind (it would pass for an empty
    // state of this network).
    if (folder->created) (void)node::discard_if_unused(std::move(*folder));
    return die(out.error().message);
  }
  if (o.json)
    std::cout << out->json.dump() << "\n";
  else
    print_text(out->json, out->rejected);
  return out->json["invariants_ok"].get<bool>() ? 0 : 3;
}

}  // namespace

void add_replay_command(CLI::App& app) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Apply a JSON-lines event log (batch k = epoch k) to a data folder and print the state "
      "summary. Batches the folder already holds are checked and skipped.");
  cmd->add_option("--genesis", o->genesis, "network genesis JSON file")->required();
  cmd->add_option("--events", o->events, "event log, one JSON object per line")->required();
  cmd->add_option("--data", o->data,
                  "data folder (LevelDB; made if missing or empty, marked with the network id; "
                  "a folder that is not this relay's is refused)")
      ->required();
  cmd->add_flag("--json", o->json, "print the summary as one JSON object");
  cmd->callback([o]() { throw CLI::RuntimeError(run_replay(*o)); });
}

}  // namespace relay::cli
