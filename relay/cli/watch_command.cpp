// relayctl watch: the one-shot audit of one chain's vault events, by the same watcher the EVM
// adapter runs (adapters/evm Watcher): reads the final blocks from one or several JSON-RPC
// endpoints (k of them agreeing), checks every header, log and the vault's accumulator, and
// prints the events — as replay's JSON-lines log with --json-lines, so
// `relayctl watch ... --json-lines > events.jsonl && relayctl replay --events events.jsonl`
// applies what the chain holds. Progress, alarms and the resume point go to stderr. Reads up to
// the final head (or --to) and stops; temporary failures are waited out (--retries in a row).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "adapters/evm/rpc_client.h"
#include "adapters/evm/watcher.h"
#include "relay/cli/commands.h"
#include "relay/cli/util.h"
#include "relay/genesis_file.h"
#include "vault/genesis.h"
#include "wire/event_log.h"

namespace relay::cli {
namespace {

// Exit codes beyond util.h's: the chain's endpoints failed us; the chain broke below finality;
// the endpoints' answers could not be verified (they disagree, or the vault's accumulator does
// not match the logs).
constexpr int kExitChain = 4;
constexpr int kExitReorg = 5;
constexpr int kExitUnverified = 6;

struct WatchCliOptions {
  std::string genesis, chain, from = "0", parent, to, max_range = "1000", agree = "1",
                                  retries = "5";
  std::vector<std::string> rpc, rpc_file;
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

// The RPC URLs: every --rpc, then the first line of every --rpc-file, in the order given (the
// order the endpoints are asked in). A URL with credentials belongs in a file: a command line is
// visible to every user (ps, /proc) and lands in shell history. No message here repeats a URL.
Result<std::vector<std::string>> rpc_urls(const WatchCliOptions& o) {
  std::vector<std::string> urls = o.rpc;
  for (const auto& file : o.rpc_file) {
    auto text = node::read_whole_file(file);
    if (!text) return fail("--rpc-file " + text.error().message);
    std::string url = text->substr(0, text->find('\n'));
    while (!url.empty() && (url.back() == '\r' || url.back() == ' ' || url.back() == '\t'))
      url.pop_back();
    if (url.empty()) return fail("--rpc-file " + file + ": the first line is empty, not a URL");
    urls.push_back(url);
  }
  if (urls.empty()) return fail("give at least one --rpc URL or --rpc-file FILE");
  return urls;
}

std::string progress_text(const evm::Progress& p) {
  char rates[96];
  std::snprintf(rates, sizeof rates, "%.1f blocks/s, %.1f events/s", p.blocks_per_second,
                p.events_per_second);
  std::string s = "next block " + std::to_string(p.next_block);
  if (p.final_head) s += " of final head " + std::to_string(*p.final_head);
  s += ", " + std::string(rates);
  if (p.eta) s += ", ETA " + std::to_string(p.eta->count()) + " s";
  return s;
}

int exit_code(evm::WatchFailure f) {
  switch (f) {
    case evm::WatchFailure::reorg:
    case evm::WatchFailure::timestamp_decreased: return kExitReorg;
    case evm::WatchFailure::rpc_disagreement:
    case evm::WatchFailure::accumulator_mismatch: return kExitUnverified;
    default: return kExitChain;
  }
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
  auto retries = parse_count("--retries", o.retries, "a count");
  if (!retries) return die(retries.error().message);
  auto urls = rpc_urls(o);
  if (!urls) return die(urls.error().message);
  auto agree = parse_count("--agree", o.agree, "a count");
  if (!agree || *agree == 0 || *agree > urls->size())
    return die("--agree: " + o.agree + " is not from 1 to the " + std::to_string(urls->size()) +
               " endpoints given");

  std::vector<std::unique_ptr<evm::Transport>> endpoints;
  for (const auto& url : *urls) endpoints.push_back(evm::make_http_transport(url));
  evm::Watcher watcher(*genesis, *chain, std::move(endpoints), {*from, parent},
                       {.max_range = *range, .agree = size_t(*agree)});
  // "--from N --parent H": the resume point as the next run takes it.
  auto resume_args = [&] {
    evm::ResumePoint p = watcher.resume_point();
    std::string s = "--from " + std::to_string(p.block);
    if (p.parent_hash) s += " --parent " + p.parent_hash->hex();
    return s;
  };
  auto report_alarms = [&] {
    for (const auto& a : watcher.take_alarms())
      std::cerr << "watch: alarm " << a.kind << (a.cleared ? " cleared: " : ": ") << a.message
                << "\n";
  };
  // Per endpoint, what it cost and how it behaved (the adapter exports the same as metrics).
  auto report_health = [&] {
    for (const auto& h : watcher.health()) {
      std::cerr << "watch: endpoint " << h.endpoint << ": " << h.requests << " requests, "
                << h.errors << " errors";
      for (const auto& [kind, n] : h.errors_by_kind) std::cerr << " (" << kind << " " << n << ")";
      std::cerr << ", " << h.disagreements << " disagreements, " << (h.up ? "up" : "down") << "\n";
    }
  };
  auto failed = [&](const evm::WatchError& e) {
    report_alarms();
    report_health();
    std::cerr << "relayctl: watch " << evm::to_string(e.kind) << ": " << e.message << "\n";
    return exit_code(e.kind);
  };
  uint64_t events = 0, failures = 0;
  for (;;) {
    auto step = watcher.step(to);
    report_alarms();
    if (!step) {
      if (evm::halts(step.error().kind) || ++failures > *retries) return failed(step.error());
      std::cerr << "watch: " << evm::to_string(step.error().kind) << ": " << step.error().message
                << "; trying again in " << step.error().retry_in.count() << " ms\n";
      std::this_thread::sleep_for(step.error().retry_in);
      continue;
    }
    failures = 0;
    if (!*step) break;
    for (const Event& e : (*step)->events)
      std::cout << (o.json_lines ? event_to_json_line(e) : human_line(e)) << "\n";
    std::cout.flush();
    events += (*step)->events.size();
    std::cerr << "watch: " << o.chain << " blocks " << (*step)->from() << ".." << (*step)->to()
              << ": " << (*step)->events.size() << " events, accumulator "
              << (*step)->headers.back().accumulator.hex() << " (count "
              << (*step)->headers.back().event_count << "); " << progress_text(watcher.progress())
              << "; resume with " << resume_args() << "\n";
    if (to && watcher.next_block() > *to) break;
  }
  if (!std::cout) return die("writing the events to stdout failed");
  uint64_t next = watcher.next_block();
  std::cerr << "watch: " << o.chain << ": " << events << " events";
  if (next > *from) std::cerr << " in blocks " << *from << ".." << next - 1;
  if (to && next <= *to) std::cerr << "; blocks " << next << ".." << *to << " are not final yet";
  std::cerr << "; resume with " << resume_args() << "\n";
  report_health();
  return 0;
}

}  // namespace

void add_watch_command(CLI::App& app) {
  auto o = std::make_shared<WatchCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "watch",
      "Read a chain's vault events from its final blocks over JSON-RPC, checked (every header, "
      "the logs bloom, the vault's eventState() accumulator, K endpoints agreeing) and print "
      "them (--json-lines: the event log relayctl replay reads). Stops at the final head or --to. "
      "Exit 4: the RPC failed or answered something unusable; 5: a reorg below finality; 6: the "
      "endpoints disagree or the vault's accumulator does not match the logs.");
  cmd->add_option("--genesis", o->genesis, "network genesis JSON file")->required();
  cmd->add_option("--chain", o->chain, "the chain's name in the genesis")->required();
  cmd->add_option("--rpc", o->rpc,
                  "a JSON-RPC URL of the chain (http:// or https://; repeat for several, asked in "
                  "order); one with credentials belongs in --rpc-file");
  cmd->add_option("--rpc-file", o->rpc_file,
                  "a file whose first line is a JSON-RPC URL (keeps user:password or an API key "
                  "off the command line; repeat for several, asked after the --rpc ones); messages "
                  "show only scheme://host[:port]");
  cmd->add_option("--agree", o->agree,
                  "how many endpoints must give identical answers (default 1)");
  CLI::Option* from = cmd->add_option("--from", o->from, "first block to read (default 0)");
  cmd->add_option("--parent", o->parent,
                  "hash of block --from − 1 as last read (the resume line prints it): the first "
                  "block read must name it as parent, else a reorg (exit 5)")
      ->needs(from);
  cmd->add_option("--to", o->to, "last block to read (default: the final head)");
  cmd->add_option("--max-range", o->max_range,
                  "blocks per step at most (default 1000; halved when an endpoint refuses)");
  cmd->add_option("--retries", o->retries,
                  "temporary failures in a row waited out before giving up (default 5)");
  cmd->add_flag("--json-lines", o->json_lines, "print replay's JSON-lines event log");
  cmd->callback([o]() { throw CLI::RuntimeError(run_watch(*o)); });
}

}  // namespace relay::cli
