// Worker: a job runs on the worker's own thread (the same one for every job), wait() returns
// once it has finished and its effects are visible, a job's exception comes back from wait()
// and leaves the worker usable, wait() without a job returns at once, a job's captures are
// released when it ends, and the destructor waits for a running job. Jobs are held on latches
// the test opens, never timed with sleeps.
#include "storage/worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace relay::storage {
namespace {

TEST(Worker, RunsEveryJobOnItsOwnThreadNotTheCallers) {
  Worker w;
  std::thread::id first, second;
  w.start([&] { first = std::this_thread::get_id(); });
  w.wait();
  w.start([&] { second = std::this_thread::get_id(); });
  w.wait();
  EXPECT_NE(first, std::thread::id());
  EXPECT_NE(first, std::this_thread::get_id());
  EXPECT_EQ(second, first);  // one thread, kept for every job
}

TEST(Worker, WaitReturnsOnlyOnceTheJobHasFinished) {
  Worker w;
  std::latch entered(1), gate(1);
  int result = 0;  // plain: written by the job, read after wait() (TSan checks the hand-over)
  w.start([&] {
    entered.count_down();
    gate.wait();
    result = 42;
  });
  entered.wait();  // the job is running, held at the gate
  std::atomic<bool> returned = false;
  int seen = -1;
  std::thread waiter([&] {
    w.wait();
    seen = result;
    returned = true;
  });
  EXPECT_FALSE(returned);  // the job cannot finish before the gate opens
  gate.count_down();
  waiter.join();
  EXPECT_TRUE(returned);
  EXPECT_EQ(seen, 42);
  EXPECT_EQ(result, 42);
}

TEST(Worker, JobsRunOneAfterAnotherEachSeeingTheLastOnesWork) {
  Worker w;
  std::vector<int> log;  // plain: touched by each job in turn, and by the test between them
  for (int i = 0; i < 1000; ++i) {
    w.start([&log, i] {
      if (log.size() != size_t(i)) throw std::logic_error("a job ran out of order");
      log.push_back(i);
    });
    w.wait();
    ASSERT_EQ(log.size(), size_t(i + 1));
  }
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(log[i], i);
}

TEST(Worker, AJobsExceptionIsRethrownByWaitAndTheWorkerStaysUsable) {
  Worker w;
  w.start([] { throw std::runtime_error("hash failed"); });
  try {
    w.wait();
    ADD_FAILURE() << "wait() did not rethrow";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "hash failed");
  }
  EXPECT_NO_THROW(w.wait());  // reported once: the error is not kept for later waits

  bool ran = false;
  w.start([&] { ran = true; });
  EXPECT_NO_THROW(w.wait());  // the next job's wait does not see the old error
  EXPECT_TRUE(ran);

  w.start([] { throw 7; });  // not only std::exception
  EXPECT_THROW(w.wait(), int);
  ran = false;
  w.start([&] { ran = true; });
  w.wait();
  EXPECT_TRUE(ran);
}

TEST(Worker, WaitWithNoJobReturnsAtOnce) {
  Worker w;
  w.wait();  // never started: would hang if it waited for a job
  w.wait();
  w.start([] {});
  w.wait();
  w.wait();  // the job was waited for already
}

TEST(Worker, AJobsCapturesAreReleasedWhenItEnds) {
  Worker w;
  auto held = std::make_shared<int>(1);
  w.start([held] { ++*held; });
  w.wait();
  EXPECT_EQ(*held, 2);
  EXPECT_EQ(held.use_count(), 1);  // not kept until the next start()
}

TEST(Worker, TheDestructorWaitsForARunningJob) {
  std::optional<Worker> w(std::in_place);
  std::latch entered(1), gate(1);
  std::atomic<bool> destroying = false;
  int result = 0;
  w->start([&] {
    entered.count_down();
    gate.wait();
    result = 42;
  });
  entered.wait();  // the job is running, held at the gate
  // Opens the gate once the test is about to destroy the worker, so the destructor is entered
  // with the job still held.
  std::thread opener([&] {
    while (!destroying) std::this_thread::yield();
    gate.count_down();
  });
  destroying = true;
  w.reset();
  EXPECT_EQ(result, 42);  // the job finished before the destructor returned
  opener.join();
}

TEST(Worker, TheDestructorOfAnIdleWorkerReturns) {
  { Worker never_used; }
  {
    Worker w;
    w.start([] {});
    w.wait();
  }
  {
    // A job not waited for, and one that threw: the destructor drops its error. The latch
    // comes first, to outlive the worker: the job may still be inside count_down().
    std::latch done(1);
    Worker w;
    w.start([&] {
      done.count_down();
      throw std::runtime_error("dropped");
    });
    done.wait();
  }
}

}  // namespace
}  // namespace relay::storage
