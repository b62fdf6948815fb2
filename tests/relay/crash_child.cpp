// relay-crash-child: the process that crash_recovery_test kills. It replays an event log into a
// data folder with exactly `relayctl replay`'s code (relay/data_folder.h, relay/replay.h: batch
// k = epoch k, committed batches checked and skipped), over a store that reports each commit's
// progress on a pipe so the test can pick its kill point from a condition instead of a timer:
//   "W <epoch>"  the epoch's write batch is about to go to LevelDB (sent just before Write)
//   "D <epoch>"  LevelDB's synced Write returned
//   "END"        every batch is committed
// With --die-before-write K or --die-after-write K it SIGKILLs itself at that exact point of
// epoch K: the two edges of the commit, where a torn epoch would show if there could be one.
// --min-snapshot-deltas N sets CanonicalState::Options::min_snapshot_deltas (a small N makes
// epochs that write a balance snapshot and delete the deltas before it; docs/state.md).
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "canonical_state/canonical_state.h"
#include "canonical_state/codec.h"
#include "relay/data_folder.h"
#include "relay/genesis_file.h"
#include "relay/replay.h"
#include "storage/kv_store.h"

namespace {

using namespace relay;

struct Options {
  std::string genesis, events, data;
  int report_fd = -1;
  std::optional<uint64_t> die_before_write, die_after_write;
  CanonicalState::Options state;
};

void report(int fd, const std::string& line) {
  if (fd < 0) return;
  std::string s = line + "\n";
  // One write() of a few bytes to a pipe is atomic; the child dies if the test has gone.
  if (write(fd, s.data(), s.size()) != ssize_t(s.size())) _exit(5);
}

// Forwards to LevelDB, reporting around each write and dying where told.
class ReportingStore final : public storage::KvStore {
 public:
  ReportingStore(storage::KvStore& inner, const Options& o) : inner_(inner), o_(o) {}

  Result<std::optional<std::string>> get(std::string_view key) const override {
    return inner_.get(key);
  }
  Result<std::optional<Entry>> ceiling(std::string_view prefix,
                                       std::string_view key) const override {
    return inner_.ceiling(prefix, key);
  }
  Result<void> scan(
      std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner_.scan(prefix, fn);
  }
  Result<void> write(const storage::WriteBatch& batch, bool sync) override {
    // The epoch this batch commits, from the batch itself (it sets the next epoch to epoch+1):
    // the writes come from the background writer's thread, while the main thread is already
    // applying the next epoch.
    uint64_t epoch = 0;
    for (const auto& op : batch.ops())
      if (op.key == codec::kMetaEpoch) {
        codec::Reader r(op.value);
        epoch = r.be64() - 1;
      }
    report(o_.report_fd, "W " + std::to_string(epoch));
    if (o_.die_before_write == epoch) raise(SIGKILL);
    auto r = inner_.write(batch, sync);
    if (!r) return r;
    report(o_.report_fd, "D " + std::to_string(epoch));
    if (o_.die_after_write == epoch) raise(SIGKILL);
    return r;
  }

 private:
  storage::KvStore& inner_;
  const Options& o_;
};

int die(const std::string& m) {
  std::cerr << "relay-crash-child: " << m << "\n";
  return 2;
}

int run(const Options& o) {
  auto genesis = node::read_genesis_file(o.genesis);
  if (!genesis) return die(genesis.error().message);
  auto folder = node::open_data_folder(o.data, genesis->network_id);
  if (!folder) return die(folder.error().message);
  ReportingStore store(*folder->store, o);
  std::ifstream in(o.events);
  if (!in) return die("cannot open " + o.events);
  node::Replay::Options options;
  options.state = o.state;
  auto replay = node::Replay::open(*genesis, store, o.data, options);
  if (!replay) return die(replay.error().message);
  auto outcome = (*replay)->run(in, o.events);
  if (!outcome) return die(outcome.error().message);
  report(o.report_fd, "END");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--genesis")
      o.genesis = v;
    else if (k == "--events")
      o.events = v;
    else if (k == "--data")
      o.data = v;
    else if (k == "--report-fd")
      o.report_fd = std::atoi(v.c_str());
    else if (k == "--die-before-write")
      o.die_before_write = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--die-after-write")
      o.die_after_write = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--min-snapshot-deltas")
      o.state.min_snapshot_deltas = std::strtoull(v.c_str(), nullptr, 10);
    else
      return die("unknown option " + k);
  }
  if (o.genesis.empty() || o.events.empty() || o.data.empty())
    return die(
        "usage: relay-crash-child --genesis G --events F --data DIR [--report-fd N] "
        "[--die-before-write K] [--die-after-write K] [--min-snapshot-deltas N]");
  return run(o);
}
