// relayctl watch: reads one chain's vault events from its finalized blocks over JSON-RPC
// (adapters/evm Watcher) and prints them, as replay's JSON-lines log with --json-lines, so
// `relayctl watch ... --json-lines > events.jsonl && relayctl replay --events events.jsonl`
// applies what the chain holds. Progress goes to stderr. Reads up to the finalized head (or
// --to) and stops; it does not follow the chain.
#include <CLI/CLI.hpp>
#include <iostream>

#include "adapters/evm/rpc_client.h"
#include "adapters/evm/watcher.h"
#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "relay/genesis_file.h"
#include "vault/genesis.h"
#include "wire/event_log.h"

namespace relay::cli {
namespace {

// Exit codes beyond util.h's: the chain's node failed us, or the chain broke below finality.
constexpr int kExitChain = 4;
constexpr int kExitReorg = 5;

struct WatchCliOptions {
  std::string genesis, chain, rpc, rpc_file, from = "0", parent, to, max_range = "1000";
  bool json_lines = false;
};

Result<uint64_t> parse_block(const std::string& option, const std::string& s) {
  return parse_count(option, s, "a block number");
}

std::string human_line(const Event& e) {
  std::string s = std::string(to_string(e.type)) + " block " + std::to_string(e.pos.block) +
                  " log " + std::to_string(e.pos.log_index);
  switch (e.type) {
    case EventType::deposit:
      return s + " token " + e.token.hex() + " account " + e.account.hex() + " amount " + e.amount;
    case EventType::withdrawal_request:
      return s + " account " + e.account.hex() + " " + e.amount + " " + e.asset + " to " +
             e.dest_chain + " recipient " + e.recipient.hex();
    case EventType::withdrawal_claimed:
      return s + " id " + e.withdrawal_id.hex();
  }
  return s;
}

// The RPC URL from --rpc or from the first line of --rpc-file (exactly one of them). A URL with
// credentials belongs in a file: a command line is visible to every user (ps, /proc) and lands
// in shell history. No message here repeats the URL.
Result<std::string> rpc_url(const WatchCliOptions& o) {
  if (o.rpc.empty() == o.rpc_file.empty())
    return fail("give exactly one of --rpc URL and --rpc-file FILE");
  if (!o.rpc_file.empty()) {
    auto text = node::read_whole_file(o.rpc_file);
    if (!text) return fail("--rpc-file " + text.error().message);
    std::string url = text->substr(0, text->find('\n'));
    while (!url.empty() && (url.back() == '\r' || url.back() == ' ' || url.back() == '\t'))
      url.pop_back();
    if (url.empty()) return fail("--rpc-file " + o.rpc_file + ": the first line is empty, not a URL");
    return url;
  }
  return o.rpc;
}

int run_watch(const WatchCliOptions& o) {
  auto genesis = node::read_genesis_file(o.genesis);
  if (!genesis) return die(genesis.error().message);
  auto chain = genesis->chain_index(o.chain);
  if (!chain) return die("--chain: " + o.chain + " is not a chain of " + o.genesis);
  if (genesis->chains[*chain].kind != "evm")
    return die("--chain: " + o.chain + " is a " + genesis->chains[*chain].kind + " chain, not evm");
  auto from = parse_block("--from", o.from);
  if (!from) return die(from.error().message);
  std::optional<Hash32> parent;
  if (!o.parent.empty()) {
    parent = Hash32::from_hex(o.parent);
    if (!parent) return die("--parent: " + o.parent + " is not a block hash (0x and 64 hex digits)");
  }
  std::optional<uint64_t> to;
  if (!o.to.empty()) {
    auto t = parse_block("--to", o.to);
    if (!t) return die(t.error().message);
    if (*t < *from) return die("--to: " + o.to + " is below --from " + o.from);
    to = *t;
  }
  auto range = parse_block("--max-range", o.max_range);
  if (!range || *range == 0) return die("--max-range: " + o.max_range + " is not a positive integer");
  auto url = rpc_url(o);
  if (!url) return die(url.error().message);

  evm::RpcClient rpc(evm::make_http_transport(*url));
  evm::Watcher watcher(*genesis, *chain, rpc, {*from, parent}, {.max_range = *range});
  // "--from N --parent H": the resume point as the next run takes it.
  auto resume_args = [&] {
    evm::ResumePoint p = watcher.resume_point();
    std::string s = "--from " + std::to_string(p.block);
    if (p.parent_hash) s += " --parent " + p.parent_hash->hex();
    return s;
  };
  auto failed = [&](const evm::WatchError& e) {
    std::cerr << "relayctl: watch " << evm::to_string(e.kind) << ": " << e.message << "\n";
    return e.kind == evm::WatchFailure::reorg ? kExitReorg : kExitChain;
  };
  if (auto r = watcher.check_chain_id(); !r) return failed(r.error());
  uint64_t events = 0;
  for (;;) {
    auto step = watcher.step(to);
    if (!step) return failed(step.error());
    if (!*step) break;
    for (const Event& e : (*step)->events)
      std::cout << (o.json_lines ? event_to_json_line(e) : human_line(e)) << "\n";
    std::cout.flush();
    events += (*step)->events.size();
    std::cerr << "watch: " << o.chain << " blocks " << (*step)->from << ".." << (*step)->to
              << ": " << (*step)->events.size() << " events; resume with " << resume_args()
              << "\n";
    if (to && watcher.next_block() > *to) break;
  }
  if (!std::cout) return die("writing the events to stdout failed");
  uint64_t next = watcher.next_block();
  std::cerr << "watch: " << o.chain << ": " << events << " events";
  if (next > *from) std::cerr << " in blocks " << *from << ".." << next - 1;
  if (to && next <= *to)
    std::cerr << "; blocks " << next << ".." << *to << " are not final yet";
  std::cerr << "; resume with " << resume_args() << "\n";
  return 0;
}

}  // namespace

void add_watch_command(CLI::App& app) {
  auto o = std::make_shared<WatchCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "watch",
      "Read a chain's vault events from its finalized blocks over JSON-RPC and print them "
      "(--json-lines: the event log relayctl replay reads). Stops at the finalized head or --to. "
      "Exit 4: the RPC failed or answered something unusable; 5: a reorg below finality.");
  cmd->add_option("--genesis", o->genesis, "network genesis JSON file")->required();
  cmd->add_option("--chain", o->chain, "the chain's name in the genesis")->required();
  cmd->add_option("--rpc", o->rpc,
                  "the chain's JSON-RPC URL (http:// or https://); one with credentials belongs in "
                  "--rpc-file");
  cmd->add_option("--rpc-file", o->rpc_file,
                  "a file whose first line is the JSON-RPC URL (keeps user:password or an API key "
                  "off the command line); messages show only scheme://host[:port]");
  CLI::Option* from = cmd->add_option("--from", o->from, "first block to read (default 0)");
  cmd->add_option("--parent", o->parent,
                  "hash of block --from − 1 as last read (the resume line prints it): the first "
                  "block read must name it as parent, else a reorg (exit 5)")
      ->needs(from);
  cmd->add_option("--to", o->to, "last block to read (default: the finalized head)");
  cmd->add_option("--max-range", o->max_range, "blocks per eth_getLogs request (default 1000)");
  cmd->add_flag("--json-lines", o->json_lines, "print replay's JSON-lines event log");
  cmd->callback([o]() { throw CLI::RuntimeError(run_watch(*o)); });
}

}  // namespace relay::cli
