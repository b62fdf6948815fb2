// relayctl solvency / receipts: read a stopped node's (or a replay's) data folder.
#include <CLI/CLI.hpp>
#include <iostream>

#include "canonical_state/canonical_state.h"
#include "relay/cli/commands.h"
#include "relay/cli/state_json.h"
#include "relay/cli/util.h"
#include "storage/kv_store.h"

namespace relay::cli {
namespace {

struct Options {
  std::string genesis, data;
  std::string epoch;
  bool json = false;
};

// Opens the folder's canonical state; on failure prints the reason and returns nullptr.
struct Opened {
  Genesis genesis;
  std::unique_ptr<storage::KvStore> store;
  std::unique_ptr<CanonicalState> state;
};

Result<std::unique_ptr<Opened>> open_state(const Options& o) {
  auto o2 = std::make_unique<Opened>();
  auto text = read_file(o.genesis);
  if (!text) return fail("genesis " + text.error().message);
  auto g = parse_genesis(*text);
  if (!g) return fail(o.genesis + ": " + g.error().message);
  o2->genesis = std::move(*g);
  auto store = open_existing_data(o.data);
  if (!store) return std::unexpected(store.error());
  o2->store = std::move(*store);
  auto cs = CanonicalState::open(o2->genesis, *o2->store);
  if (!cs) return fail(o.data + ": " + cs.error().message);
  o2->state = std::move(*cs);
  return o2;
}

int run_solvency(const Options& o) {
  auto opened = open_state(o);
  if (!opened) return die(opened.error().message);
  const CanonicalState& cs = *(*opened)->state;
  const Genesis& g = cs.genesis();
  const Vault& v = cs.vault();
  nlohmann::json assets = nlohmann::json::object();
  for (uint32_t a = 0; a < g.assets.size(); ++a) {
    nlohmann::json j;
    Amount custody;
    for (uint32_t c = 0; c < g.chains.size(); ++c) {
      j["custody"][g.chains[c].name] = v.custody(c, a).to_decimal();
      j["pending"][g.chains[c].name] = v.pending(c, a).to_decimal();
      custody = custody.checked_add(v.custody(c, a)).value_or(Amount::max());
    }
    Amount liabilities = v.liabilities(a);
    j["total_custody"] = custody.to_decimal();
    j["liabilities"] = liabilities.to_decimal();
    j["surplus"] = custody >= liabilities ? custody.checked_sub(liabilities)->to_decimal()
                                          : "-" + liabilities.checked_sub(custody)->to_decimal();
    assets[g.assets[a].id.value] = j;
  }
  auto broken = v.check_invariants();
  nlohmann::json out{{"epochs", cs.next_epoch()},
                     {"assets", assets},
                     {"invariants_ok", !broken},
                     {"state_digest", cs.state_digest().hex()}};
  if (broken) out["invariant_broken"] = *broken;
  if (o.json) {
    std::cout << out.dump() << "\n";
  } else {
    std::cout << "epochs committed: " << cs.next_epoch() << "\n";
    for (auto& [id, j] : assets.items())
      std::cout << id << ": custody " << j["total_custody"].get<std::string>()
                << ", liabilities " << j["liabilities"].get<std::string>() << ", surplus "
                << j["surplus"].get<std::string>() << "\n";
    std::cout << "invariants: " << (broken ? "BROKEN: " + *broken : "ok") << "\n";
  }
  return broken ? 3 : 0;
}

int run_receipts(const Options& o) {
  const auto epoch = parse_epoch(o.epoch);
  if (!epoch) return die(epoch.error().message);
  auto opened = open_state(o);
  if (!opened) return die(opened.error().message);
  auto receipts = (*opened)->state->receipts(*epoch);
  if (!receipts) return die(receipts.error().message);
  nlohmann::json out = nlohmann::json::array();
  for (const Receipt& r : *receipts) {
    out.push_back({{"epoch", r.epoch},
                   {"index", r.index},
                   {"reason", std::string(to_string(r.reason))},
                   {"chain", r.chain},
                   {"block", r.pos.block},
                   {"log_index", r.pos.log_index},
                   {"event", r.event.hex()}});
  }
  if (o.json) {
    std::cout << out.dump() << "\n";
  } else {
    for (const auto& r : out)
      std::cout << "epoch " << r["epoch"] << " #" << r["index"] << " " << r["chain"].get<std::string>()
                << " block " << r["block"] << " log " << r["log_index"] << ": "
                << r["reason"].get<std::string>() << "\n";
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
