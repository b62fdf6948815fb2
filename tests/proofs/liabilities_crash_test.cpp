// Crash consistency of the liabilities trees: a child process commits epochs (trees and
// balances in one LevelDB batch) in a loop and is killed with SIGKILL at a random point; the
// reopened trees must equal a clean recomputation of the balances that were committed.
// Synchronises on a pipe the child writes after each commit, never on sleeps.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "liabilities_test_util.h"
#include "proofs/liabilities_trees.h"

namespace relay::proofs {
namespace {

using testing::account_n;
using testing::reference_root;

using testing::two_assets;

// The child: commits epochs forever (until killed), reporting each on `fd`.
[[noreturn]] void commit_loop(const std::string& dir, int fd) {
  auto store = storage::open_leveldb(dir);
  if (!store) _exit(10);
  auto trees = LiabilitiesTrees::open(two_assets(), **store);
  if (!trees) _exit(11);
  for (uint64_t e = (*trees)->epoch().value_or(0) + 1; e < 1'000'000; ++e) {
    std::mt19937_64 rng(e);
    std::map<std::pair<size_t, AccountId>, Amount> m;
    for (int i = 0; i < 300; ++i)
      m[{rng() % 2, account_n(rng() % 2000)}] =
          rng() % 6 == 0 ? Amount{} : Amount{uint128_t(rng() % 1'000'000 + 1)};
    EpochChanges c = testing::epoch_of(e);
    storage::WriteBatch batch;
    for (const auto& [k, b] : m) {
      c.balances.push_back({k.second, k.first, b});
      // The "canonical state": the balances themselves, in the same batch.
      const std::string key = "S/b/" + std::to_string(k.first) + "/" + k.second.hex();
      if (b.is_zero())
        batch.del(key);
      else
        batch.put(key, b.to_decimal());
    }
    batch.put("S/epoch", std::to_string(e));
    if (auto r = (*trees)->stage(c, batch); !r) {
      fprintf(stderr, "child: %s\n", r.error().message.c_str());
      _exit(12);
    }
    const bool ok = (*store)->write(batch, false).has_value();
    (*trees)->committed(ok);
    if (!ok) _exit(13);
    if (write(fd, &e, sizeof e) != sizeof e) _exit(14);
  }
  _exit(0);
}

TEST(LiabilitiesCrash, RootAfterSigkillEqualsCleanRecomputationOfCommittedBalances) {
  std::mt19937_64 rng(std::random_device{}());
  const auto dir = std::filesystem::temp_directory_path() /
                   ("liab-crash-" + std::to_string(getpid()) + "-" + std::to_string(rng()));
  std::filesystem::remove_all(dir);
  uint64_t seen = 0;
  for (int round = 0; round < 3; ++round) {  // each round resumes the store the last one left
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      commit_loop(dir.string(), fds[1]);
    }
    close(fds[1]);
    const uint64_t want = 5 + rng() % 30;
    uint64_t got = 0, last = 0;
    while (got < want) {
      const ssize_t n = read(fds[0], &last, sizeof last);
      if (n != sizeof last) break;
      ++got;
    }
    // A random extra delay (not synchronisation) so the kill lands anywhere in an epoch.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(rng() % 3000);
    while (std::chrono::steady_clock::now() < until) {
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    close(fds[0]);
    ASSERT_EQ(got, want) << "child stopped early, status " << status;
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    auto store = storage::open_leveldb(dir.string());
    ASSERT_TRUE(store) << store.error().message;
    auto trees = LiabilitiesTrees::open(two_assets(), **store);
    ASSERT_TRUE(trees) << trees.error().message;
    auto state_epoch = (*store)->get("S/epoch");
    ASSERT_TRUE(state_epoch && *state_epoch);
    const uint64_t committed = std::stoull(**state_epoch);
    EXPECT_EQ((*trees)->epoch(), committed);
    EXPECT_GE(committed, last);
    EXPECT_GT(committed, seen);
    seen = committed;
    for (size_t a = 0; a < 2; ++a) {
      testing::Model balances;
      (*store)->scan("S/b/" + std::to_string(a) + "/", [&](std::string_view k, std::string_view v) {
        balances[*AccountId::from_hex(k.substr(k.size() - 66))] = *Amount::from_decimal(v);
        return true;
      });
      const NodeRef clean = reference_root(two_assets().assets[a].id.value, balances);
      EXPECT_EQ((*trees)->tree(a).root(), clean.hash) << "round " << round << " asset " << a;
      EXPECT_EQ((*trees)->tree(a).total(), clean.sum);
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace relay::proofs
