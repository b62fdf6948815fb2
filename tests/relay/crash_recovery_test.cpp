// Crash recovery with a real SIGKILL (issue 2, DESIGN.md "Real parts"): relay-crash-child
// replays a generated multi-batch event log into a LevelDB folder and is killed at chosen
// points — at the exact edges of a commit (it kills itself there), after a commit report, and
// a random number of microseconds after it announced a write. After each kill the folder must
// open cleanly at an epoch boundary equal to a clean run's state at that epoch, and `relayctl
// replay` over it must finish with the same summary and state digest as an uninterrupted run.
// Kill points are chosen from the child's reports on a pipe; nothing waits on a timer.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "canonical_state/canonical_state.h"
#include "canonical_state/codec.h"
#include "proofs/epoch_committer.h"
#include "storage/kv_store.h"
#include "tests/support/subprocess.h"
#include "tests/support/workload.h"
#include "vault/genesis.h"
#include "vault/sha256.h"

namespace relay {
namespace {

using nlohmann::json;
using testing::Process;
using testing::TempDir;

// Small enough for ASan on two cores, long enough that a kill has many epochs to land in.
constexpr size_t kBatches = 40;
constexpr size_t kEventsPerBatch = 250;
// A balance snapshot threshold (CanonicalState::Options::min_snapshot_deltas) small enough that
// the workload has several snapshot epochs, each deleting the deltas before it.
constexpr uint64_t kSmallSnapshotThreshold = 64;

// A clean run's state after each number of committed epochs.
struct Reference {
  Hash32 digest;
  size_t seen = 0;                                     // seen-event records in the store
  uint64_t applied = 0, duplicates = 0, rejected = 0;  // counts of epochs [0, n)
  Hash32 last_epoch_digest;                            // epoch_digest(n - 1)
};

// The events stored as seen: the records in every seen group (codec.h).
size_t count_seen_events(const storage::KvStore& store) {
  size_t n = 0;
  auto r = store.scan(codec::kSeen, [&](std::string_view, std::string_view v) {
    EXPECT_EQ(v.size() % codec::kSeenRecordSize, 0u);
    n += v.size() / codec::kSeenRecordSize;
    return true;
  });
  EXPECT_TRUE(r.has_value());
  return n;
}

// SHA-256 over every state record ("S/" key and value, length-prefixed, in key order): equal
// for two folders exactly when their canonical state is stored in the same bytes.
Hash32 state_records_digest(const storage::KvStore& store) {
  Sha256 h;
  auto r = store.scan("S/", [&](std::string_view k, std::string_view v) {
    h.update_be32(uint32_t(k.size())).update(k).update_be32(uint32_t(v.size())).update(v);
    return true;
  });
  EXPECT_TRUE(r.has_value());
  return h.finish();
}

// The epoch of the stored balance snapshot, if any.
std::optional<uint64_t> snapshot_epoch(const storage::KvStore& store) {
  auto v = store.get(codec::kMetaSnapshot);
  EXPECT_TRUE(v);
  if (!v || !*v) return std::nullopt;
  codec::Reader r(**v);
  return r.be64();
}

class CrashRecoveryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    genesis_path_ = *dir_ / "genesis.json";
    log_path_ = *dir_ / "events.jsonl";
    std::ofstream(genesis_path_) << testing::kWorkloadGenesis;
    testing::WorkloadSpec spec;
    spec.seed = 7;
    spec.accounts = 300;
    spec.batches = kBatches;
    spec.events_per_batch = kEventsPerBatch;
    const testing::Workload w = testing::make_workload(spec);
    ASSERT_TRUE(testing::write_event_log(w, log_path_));

    // The reference: the same batches through the state machine in memory, epoch by epoch.
    auto genesis = parse_genesis(testing::kWorkloadGenesis);
    ASSERT_TRUE(genesis) << genesis.error().message;
    genesis_ = new Genesis(std::move(*genesis));
    auto store = storage::make_memory_store();
    auto state = CanonicalState::open(*genesis_, *store);
    ASSERT_TRUE(state);
    ref_.assign(1, Reference{(*state)->state_digest(), 0, 0, 0, 0, {}});
    for (const auto& batch : w.batches) {
      auto stats = (*state)->apply_batch(batch);
      ASSERT_TRUE(stats) << stats.error().message;
      Reference r = ref_.back();
      r.digest = (*state)->state_digest();
      r.seen = count_seen_events(*store);
      r.applied += stats->applied;
      r.duplicates += stats->duplicates;
      r.rejected += stats->rejected_total();
      r.last_epoch_digest = CanonicalState::events_digest(batch);
      ref_.push_back(r);
    }
    // The workload must exercise every path the crash could tear.
    ASSERT_GT(ref_.back().applied, 0u);
    ASSERT_GT(ref_.back().duplicates, 0u);
    ASSERT_GT(ref_.back().rejected, 0u);

    // The same batches with small snapshots: the same state at every epoch (the digest does
    // not depend on how balances are stored), and the stored bytes after each epoch.
    auto small_store = storage::make_memory_store();
    auto small = CanonicalState::open(
        *genesis_, *small_store, nullptr,
        CanonicalState::Options{.min_snapshot_deltas = kSmallSnapshotThreshold});
    ASSERT_TRUE(small);
    small_bytes_.assign(1, state_records_digest(*small_store));
    for (size_t k = 0; k < w.batches.size(); ++k) {
      ASSERT_TRUE((*small)->apply_batch(w.batches[k]));
      ASSERT_EQ((*small)->state_digest(), ref_[k + 1].digest) << "epoch " << k;
      small_bytes_.push_back(state_records_digest(*small_store));
      if (snapshot_epoch(*small_store) == k) snapshot_epochs_.push_back(k);
    }

    // The uninterrupted run, by the real binary on a real folder.
    TempDir clean;
    auto r = testing::run_process(replay_argv(clean / "data"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    clean_ = new json(json::parse(r.out));
    ASSERT_EQ((*clean_)["state_digest"], ref_.back().digest.hex());
  }
  static void TearDownTestSuite() {
    delete clean_;
    delete genesis_;
    delete dir_;
  }
  void SetUp() override {
    if (!clean_) GTEST_SKIP() << "suite set-up failed";
  }

  static std::vector<std::string> replay_argv(const std::string& data) {
    return {RELAY_BIN_DIR "/relayctl",
            "replay",
            "--genesis",
            genesis_path_,
            "--events",
            log_path_,
            "--data",
            data,
            "--json"};
  }
  static std::vector<std::string> child_argv(const std::string& data,
                                             std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {RELAY_BIN_DIR "/relay-crash-child",
                                  "--genesis",
                                  genesis_path_,
                                  "--events",
                                  log_path_,
                                  "--data",
                                  data,
                                  "--report-fd",
                                  "3"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }

  // Opens the folder a killed child left and checks it is exactly a clean run's state after
  // some whole number of epochs, at least `min_epochs`. Returns that number.
  static uint64_t expect_epoch_boundary(const std::string& data, uint64_t min_epochs) {
    auto db = storage::open_leveldb(data);
    EXPECT_TRUE(db) << db.error().message;
    if (!db) return 0;
    auto state = CanonicalState::open(*genesis_, **db);
    EXPECT_TRUE(state) << state.error().message;
    if (!state) return 0;
    const CanonicalState& cs = **state;
    const uint64_t n = cs.next_epoch();
    EXPECT_GE(n, min_epochs);
    EXPECT_LT(n, ref_.size());
    if (n >= ref_.size()) return n;
    const Reference& r = ref_[n];
    // The digest covers balances, custody, pending, withdrawals, cursors and the epoch history.
    EXPECT_EQ(cs.state_digest().hex(), r.digest.hex()) << "not a clean run's state at epoch " << n;
    EXPECT_FALSE(cs.vault().check_invariants());
    // The seen-event records are outside the digest: every one of the committed epochs is there
    // and none of the next one.
    EXPECT_EQ(count_seen_events(**db), r.seen) << "at epoch " << n;
    auto next = cs.epoch_digest(n);
    EXPECT_TRUE(next && !next->has_value()) << "a record of epoch " << n << " without the epoch";
    auto receipts = cs.receipts(n);
    EXPECT_TRUE(receipts && receipts->empty()) << "receipts of epoch " << n << " without it";
    // The liabilities trees and epoch commitments, written in the same batches, are at the
    // same epoch.
    auto committer = proofs::EpochCommitter::open(*genesis_, **db);
    EXPECT_TRUE(committer) << committer.error().message;
    if (committer) {
      auto same = (*committer)->check_state_epochs(n);
      EXPECT_TRUE(same) << same.error().message;
    }
    if (n > 0) {
      auto last = cs.epoch_digest(n - 1);
      EXPECT_TRUE(last && *last && **last == r.last_epoch_digest) << "epoch " << n - 1;
      auto rc = cs.receipts(n - 1);
      EXPECT_TRUE(rc && rc->size() == r.rejected - ref_[n - 1].rejected) << "epoch " << n - 1;
    }
    return n;
  }

  // Finishes the run with relayctl over the killed folder: the same state as the clean run,
  // having applied exactly the events the killed runs had not committed.
  static void expect_resume_matches_clean(const std::string& data, uint64_t committed) {
    auto r = testing::run_process(replay_argv(data));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json out = json::parse(r.out);
    const json& clean = *clean_;
    EXPECT_EQ(out["state_digest"], clean["state_digest"]);
    for (const char* k :
         {"balances", "custody", "pending", "liabilities", "invariants_ok", "epochs"})
      EXPECT_EQ(out[k], clean[k]) << k;
    EXPECT_EQ(out["skipped_epochs"], committed);
    const Reference& done = ref_[committed];
    EXPECT_EQ(out["applied"].get<uint64_t>(), ref_.back().applied - done.applied);
    EXPECT_EQ(out["duplicates"].get<uint64_t>(), ref_.back().duplicates - done.duplicates);
  }

  // Reads the child's reports up to and including `want`; false if it ended first.
  static bool wait_for_report(Process& p, const std::string& want) {
    for (std::string line; !(line = p.next_report()).empty();)
      if (line == want) return true;
    return false;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string genesis_path_, log_path_;
  static inline Genesis* genesis_ = nullptr;
  static inline std::vector<Reference> ref_;
  // With kSmallSnapshotThreshold: the state records' digest after n epochs, and the epochs
  // that wrote a balance snapshot.
  static inline std::vector<Hash32> small_bytes_;
  static inline std::vector<uint64_t> snapshot_epochs_;
  static inline json* clean_ = nullptr;
};

TEST_F(CrashRecoveryTest, KilledJustBeforeACommitReopensAtThePreviousEpoch) {
  TempDir d;
  const std::string data = d / "data";
  Process child(child_argv(data, {"--die-before-write", "7"}), 3);
  auto r = child.wait();
  ASSERT_EQ(r.signal, SIGKILL) << r.err;
  EXPECT_EQ(expect_epoch_boundary(data, 7), 7u) << "epoch 7 must be absent as a whole";
  expect_resume_matches_clean(data, 7);
}

TEST_F(CrashRecoveryTest, KilledJustAfterACommitKeepsThatEpoch) {
  TempDir d;
  const std::string data = d / "data";
  Process child(child_argv(data, {"--die-after-write", "7"}), 3);
  auto r = child.wait();
  ASSERT_EQ(r.signal, SIGKILL) << r.err;
  EXPECT_EQ(expect_epoch_boundary(data, 8), 8u) << "epoch 7 must be present as a whole";
  expect_resume_matches_clean(data, 8);
}

TEST_F(CrashRecoveryTest, ResumesAfterSigkillBetweenBatchesToTheSameDigest) {
  TempDir d;
  const std::string data = d / "data";
  Process child(child_argv(data), 3);
  ASSERT_TRUE(wait_for_report(child, "D 12"));
  auto r = child.kill_and_wait();
  ASSERT_EQ(r.signal, SIGKILL);
  const uint64_t n = expect_epoch_boundary(data, 13);
  expect_resume_matches_clean(data, n);
}

TEST_F(CrashRecoveryTest, ResumesAfterRepeatedSigkillsMidWriteToTheSameDigest) {
  // Several crash-restart cycles on one folder, each killed a random number of microseconds
  // after the child announced an epoch's write: the kill lands before, during or just after
  // LevelDB's synced write. Where it lands is up to the scheduler; every landing must leave a
  // whole epoch boundary, which is what is asserted.
  TempDir d;
  const std::string data = d / "data";
  testing::SplitMix64 rng(2026);
  uint64_t committed = 0;
  int torn_candidates = 0;  // kills that landed before the write's "D" report
  for (int round = 0; round < 6; ++round) {
    const uint64_t target = committed + 1 + rng.below(5);
    ASSERT_LT(target + 2, kBatches);
    Process child(child_argv(data), 3);
    ASSERT_TRUE(wait_for_report(child, "W " + std::to_string(target)));
    // Not synchronisation: only varies the kill point within and around the write.
    std::this_thread::sleep_for(std::chrono::microseconds(rng.below(3000)));
    kill(child.pid(), SIGKILL);
    bool done = false;
    for (std::string line; !(line = child.next_report()).empty();)
      done = done || line == "D " + std::to_string(target);
    torn_candidates += !done;
    auto r = child.wait();
    ASSERT_EQ(r.signal, SIGKILL) << r.err;
    const uint64_t n = expect_epoch_boundary(data, target + (done ? 1 : 0));
    ASSERT_GE(n, committed);
    committed = n;
  }
  RecordProperty("kills_before_write_returned", torn_candidates);
  expect_resume_matches_clean(data, committed);
}

TEST_F(CrashRecoveryTest, KilledAtSnapshotEpochsReopensToTheCleanRunsBytes) {
  // A snapshot epoch's batch writes the new snapshot and deletes the old deltas and surplus
  // chunks: a kill just before it must leave the old snapshot and all its deltas, one just
  // after it the new snapshot alone, and one wherever the write is must leave one of the two.
  // Each time the folder holds exactly a clean run's bytes at that epoch, and the restarted
  // child (its balance log reloaded from the folder) writes its snapshots at the same epochs.
  ASSERT_GE(snapshot_epochs_.size(), 3u) << "the workload must have several snapshot epochs";
  const uint64_t s1 = snapshot_epochs_[1], s2 = snapshot_epochs_[2];
  ASSERT_GT(s1, snapshot_epochs_[0] + 1) << "deltas between the snapshots";
  ASSERT_GT(s2, s1 + 1);
  std::string epochs;
  for (uint64_t e : snapshot_epochs_) epochs += (epochs.empty() ? "" : " ") + std::to_string(e);
  RecordProperty("snapshot_epochs", epochs);
  TempDir d;
  const std::string data = d / "data";
  const std::string threshold = std::to_string(kSmallSnapshotThreshold);
  auto expect_bytes = [&](uint64_t n, std::optional<uint64_t> snapshot) {
    auto db = storage::open_leveldb(data);
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_EQ(state_records_digest(**db).hex(), small_bytes_[n].hex()) << "at epoch " << n;
    EXPECT_EQ(snapshot_epoch(**db), snapshot) << "at epoch " << n;
    bool deltas = false;
    ASSERT_TRUE((*db)->scan(codec::kDelta, [&](std::string_view, std::string_view) {
      return !(deltas = true);
    }));
    EXPECT_EQ(deltas, n != *snapshot + 1) << "deltas at epoch " << n;
  };
  {
    Process child(child_argv(data, {"--min-snapshot-deltas", threshold, "--die-before-write",
                                    std::to_string(s1)}),
                  3);
    auto r = child.wait();
    ASSERT_EQ(r.signal, SIGKILL) << r.err;
    ASSERT_EQ(expect_epoch_boundary(data, s1), s1);
    expect_bytes(s1, snapshot_epochs_[0]);
  }
  {
    Process child(child_argv(data, {"--min-snapshot-deltas", threshold, "--die-after-write",
                                    std::to_string(s1)}),
                  3);
    auto r = child.wait();
    ASSERT_EQ(r.signal, SIGKILL) << r.err;
    ASSERT_EQ(expect_epoch_boundary(data, s1 + 1), s1 + 1);
    expect_bytes(s1 + 1, s1);
  }
  uint64_t n = 0;
  {
    // Killed by the test as soon as the child announces the snapshot epoch's write: before,
    // during or after it, as the scheduler has it.
    Process child(child_argv(data, {"--min-snapshot-deltas", threshold}), 3);
    ASSERT_TRUE(wait_for_report(child, "W " + std::to_string(s2)));
    kill(child.pid(), SIGKILL);
    while (!child.next_report().empty()) {
    }
    auto r = child.wait();
    ASSERT_EQ(r.signal, SIGKILL) << r.err;
    // "W s2" comes once every epoch before s2 is written; with a pipeline deeper than one the
    // writer may also have written a few epochs queued after s2 before the kill landed. The
    // folder holds the snapshot of the last snapshot epoch it holds.
    n = expect_epoch_boundary(data, s2);
    uint64_t snapshot = 0;
    for (uint64_t e : snapshot_epochs_)
      if (e < n) snapshot = e;
    RecordProperty("epochs_at_kill", std::to_string(n));
    expect_bytes(n, snapshot);
  }
  // relayctl (the default threshold) finishes the run from the snapshot the child left.
  expect_resume_matches_clean(data, n);
}

TEST_F(CrashRecoveryTest, CleanRunOfTheCrashChildEqualsRelayctl) {
  // The child applies batches the way relayctl replay does; otherwise the tests above would
  // compare two different machines.
  TempDir d;
  const std::string data = d / "data";
  Process child(child_argv(data), 3);
  ASSERT_TRUE(wait_for_report(child, "END"));
  auto r = child.wait();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(expect_epoch_boundary(data, kBatches), kBatches);
  expect_resume_matches_clean(data, kBatches);
}

TEST_F(CrashRecoveryTest, TheChildChecksCommittedBatchesAsRelayctlDoes) {
  // The child runs relayctl replay's own loop (relay/replay.h), check of committed batches
  // included: a log whose first batch is not the folder's epoch 0 is refused, nothing written.
  TempDir d;
  const std::string data = d / "data";
  Process clean(child_argv(data), 3);
  ASSERT_TRUE(wait_for_report(clean, "END"));
  ASSERT_EQ(clean.wait().exit_code, 0);
  std::ifstream in(log_path_);
  std::string first, rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  first = rest.substr(0, rest.find('\n') + 1);
  const std::string other = d / "other.jsonl";
  std::ofstream(other) << first << rest;  // batch 0 holds its first event twice
  std::vector<std::string> argv = child_argv(data);
  argv[4] = other;
  auto r = testing::run_process(argv);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("batch 0 differs from the epoch the data folder committed"), std::string::npos)
      << r.err;
  EXPECT_EQ(expect_epoch_boundary(data, kBatches), kBatches);
}

}  // namespace
}  // namespace relay
