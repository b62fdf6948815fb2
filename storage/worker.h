// Worker: one thread that runs one job at a time beside its caller, lent to the deterministic
// core (which starts no thread of its own, STYLE.md 2): CanonicalState hashes an epoch's events
// on it while it applies them. Like BackgroundWriter, it lives with the storage library, where
// the core's I/O and threads come from.
// Thread-safety: one caller thread starts and waits for jobs; a job runs on the worker's thread
// and must not touch what the caller uses until wait() has returned.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace relay::storage {

class Worker {
 public:
  Worker();
  /// Waits for the job in progress, then stops the thread.
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Starts `job` on the worker's thread. REQUIRES: the job started before has been waited for.
  void start(std::function<void()> job);
  /// Waits until the job started last has finished (at once if there is none). An exception
  /// the job threw is rethrown here.
  void wait();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> job_;  // the job to run or running, while busy_
  bool busy_ = false;
  bool stop_ = false;
  std::exception_ptr error_;  // what the last job threw
  std::thread thread_;        // last: started once everything above is set up
};

}  // namespace relay::storage
