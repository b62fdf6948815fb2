// StopSignals: SIGTERM and SIGINT delivered as a readable file descriptor (Linux signalfd), so
// the node's loop waits on them beside its sockets and stops at a point of its choosing instead
// of in a signal handler. install() blocks the two signals in the calling thread; call it
// before any thread starts, so that every thread inherits the mask and none is interrupted.
// One instance per process; owned by main.
#pragma once

#include <chrono>
#include <memory>

#include "vault/result.h"

namespace relay::node {

class StopSignals {
 public:
  static Result<std::unique_ptr<StopSignals>> install();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// Readable once a stop signal is pending (for poll / zmq_poll).
  int fd() const { return fd_; }
  /// Waits up to `timeout` (negative: forever) for SIGTERM or SIGINT; returns it, or 0 when
  /// none came. Once one came, every later call returns it at once.
  int wait(std::chrono::milliseconds timeout);

 private:
  explicit StopSignals(int fd) : fd_(fd) {}
  int fd_;
  int received_ = 0;
};

}  // namespace relay::node
