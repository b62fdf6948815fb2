// relayctl replay: applies a JSON-lines event log to a data folder through the canonical state
// machine, batch k as epoch k, skipping the batches the folder already holds (after checking
// they are the same events), and prints the state summary.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <vector>

#include "canonical_state/canonical_state.h"
#include "storage/background_writer.h"
#include "storage/worker.h"
#include "proofs/commitment_json.h"
#include "proofs/epoch_committer.h"
#include "relay/cli/commands.h"
#include "relay/cli/state_json.h"
#include "relay/cli/util.h"
#include "storage/kv_store.h"
#include "vault/genesis.h"
#include "wire/event_log.h"

namespace relay::cli {
namespace {

struct ReplayOptions {
  std::string genesis, events, data;
  bool json = false;
};

int run_replay(const ReplayOptions& o) {
  auto text = read_file(o.genesis);
  if (!text) return die("genesis " + text.error().message);
  auto genesis = parse_genesis(*text);
  if (!genesis) return die(o.genesis + ": " + genesis.error().message);
  std::ifstream in(o.events);
  if (!in) return die("events " + o.events + ": cannot open");
  auto store = storage::open_leveldb(o.data);
  if (!store) return die(store.error().message);
  auto committer = proofs::EpochCommitter::open(*genesis, **store);
  if (!committer) return die(o.data + ": " + committer.error().message);
  // Pipelined commits: epoch k+1 is applied while epoch k (and up to kPipelineDepth - 1 before
  // it) is written and synced, and each epoch's events are hashed on a worker while they are
  // applied. Every way out below flushes first, so the batches before a bad line are on disk
  // as promised.
  storage::BackgroundWriter writer(**store, storage::kPipelineDepth);
  storage::Worker worker;
  auto state = CanonicalState::open(*genesis, **store, committer->get(),
                                    {.writer = &writer, .worker = &worker});
  if (!state) return die(o.data + ": " + state.error().message);
  CanonicalState& cs = **state;
  auto write_failed = [&](const std::string& why) {
    return o.data + ": writing an epoch failed (" + why +
           "); the folder holds the epochs before it, replay again to resume";
  };
  // A write that failed makes the state unusable; what stopped the run is then that failure
  // (the folder holds the epochs before it), whatever else went wrong after.
  auto stop = [&](const std::string& message) {
    if (auto r = cs.flush(); !r) return die(write_failed(r.error().message));
    return die(message);
  };
  // State, trees and commitments are written in one batch per epoch, so they can only disagree
  // if the folder was written by something else (or before commitments were kept).
  if (auto r = (*committer)->check_state_epochs(cs.next_epoch()); !r)
    return die(o.data + ": " + r.error().message);
  const proofs::LiabilitiesTrees& trees = (*committer)->trees();

  BatchStats total;
  uint64_t batch_no = 0, skipped = 0;
  std::vector<Event> batch;
  auto last_report = std::chrono::steady_clock::now();
  auto close_batch = [&]() -> Result<void> {
    if (batch_no < cs.next_epoch()) {
      // Already committed: it must be the same events, or the file is not this folder's history.
      auto stored = cs.epoch_digest(batch_no);
      if (!stored) return std::unexpected(stored.error());
      if (*stored != CanonicalState::events_digest(batch))
        return fail("batch " + std::to_string(batch_no) +
                    " differs from the epoch the data folder committed under that number");
      ++skipped;
    } else {
      auto stats = cs.apply_batch(batch);
      if (!stats) return std::unexpected(stats.error());
      total.add(*stats);
    }
    ++batch_no;
    batch.clear();
    auto now = std::chrono::steady_clock::now();
    if (now - last_report > std::chrono::seconds(2)) {
      last_report = now;
      std::cerr << "replay: " << batch_no << " batches, " << total.applied << " applied\n";
    }
    return {};
  };

  std::string line;
  uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto parsed = parse_event_line(line);
    if (!parsed)
      return stop(o.events + ": line " + std::to_string(line_no) + ": " + parsed.error().message);
    if (parsed->is_epoch) {
      if (auto r = close_batch(); !r) return stop(o.events + ": " + r.error().message);
    } else {
      batch.push_back(std::move(parsed->event));
    }
  }
  if (in.bad()) return stop(o.events + ": read error");
  if (!batch.empty())
    if (auto r = close_batch(); !r) return stop(o.events + ": " + r.error().message);
  if (auto r = cs.flush(); !r) return die(write_failed(r.error().message));
  // The file is the whole history: one shorter than the folder's is another history.
  if (batch_no < cs.next_epoch())
    return die(o.events + ": the file has " + std::to_string(batch_no) +
               " batch(es) but the data folder holds " + std::to_string(cs.next_epoch()) +
               " epochs; it is not this folder's history");

  nlohmann::json out = stats_json(total);
  out.update(state_json(cs));
  out["skipped_epochs"] = skipped;
  nlohmann::json roots = nlohmann::json::object(), totals = nlohmann::json::object();
  for (size_t a = 0; a < genesis->assets.size(); ++a) {
    roots[genesis->assets[a].id.value] = trees.tree(a).root().hex();
    totals[genesis->assets[a].id.value] = trees.tree(a).total().to_decimal();
  }
  out["liabilities_roots"] = roots;
  out["liabilities_tree_totals"] = totals;
  // The last committed epoch's commitment (docs/proofs.md "Epoch commitment"); null before one.
  out["commitment"] = nullptr;
  if (const auto& c = (*committer)->last_commitment()) {
    nlohmann::json j = commitment_to_json(*c);
    j["hash"] = (*committer)->last_hash().hex();
    out["commitment"] = j;
  }
  if (o.json) {
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "applied " << total.applied << ", duplicates " << total.duplicates
              << ", rejected " << total.rejected_total() << ", skipped epochs " << skipped
              << "\nepochs " << cs.next_epoch() << ", invariants "
              << (out["invariants_ok"].get<bool>() ? "ok" : "BROKEN") << "\nstate digest "
              << out["state_digest"].get<std::string>() << "\n"
              << out.dump(2) << "\n";
  }
  return out["invariants_ok"].get<bool>() ? 0 : 3;
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
  cmd->add_option("--data", o->data, "data folder (LevelDB; created if missing)")->required();
  cmd->add_flag("--json", o->json, "print the summary as one JSON object");
  cmd->callback([o]() { throw CLI::RuntimeError(run_replay(*o)); });
}

}  // namespace relay::cli
