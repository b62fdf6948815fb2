// AdapterSupervisor: runs one chain's built-in adapter (`relay-adapter-evm`, docs/node.md
// "Processes") as a child process and keeps it running: started with the flags it takes (it
// reads no node.toml), it dies with relayd (PR_SET_PDEATHSIG, SIGTERM), it inherits no
// descriptor but stdin/stdout/stderr (its logs go where relayd's go) and no blocked signal;
// when it exits it is restarted after a backoff that doubles from 1 s up to 60 s and starts
// again at 1 s once a child ran for 60 s. A missing program is a clear error naming it and
// where it was looked for, logged once and retried with the same backoff (it may be installed
// later). On destruction the child gets SIGTERM, then SIGKILL after 5 s.
// The node loop calls poll(); it never blocks (waitpid WNOHANG). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "relay/log.h"

namespace relay::node {

class AdapterSupervisor {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kFirstBackoff{1}, kMaxBackoff{60}, kStable{60};

  /// `program`: the path to run; `args` its arguments (argv[1..]); `name` for logs (the chain).
  AdapterSupervisor(std::string program, std::vector<std::string> args, std::string name, Log log);
  ~AdapterSupervisor();
  AdapterSupervisor(const AdapterSupervisor&) = delete;
  AdapterSupervisor& operator=(const AdapterSupervisor&) = delete;

  /// Reaps an exited child and starts one when none runs and the backoff has passed.
  void poll(Clock::time_point now = Clock::now());

  std::optional<pid_t> pid() const { return pid_; }
  uint64_t starts() const { return starts_; }
  /// "running", "absent" (no such program), "restarting" (waiting out the backoff).
  std::string state() const;

  /// Where relayd looks for a built-in adapter `name`: beside its own executable, else on PATH.
  /// nullopt when neither has it; `looked` then lists the places.
  static std::optional<std::string> find_program(const std::string& name, std::string& looked);

 private:
  void start(Clock::time_point now);
  void stop();

  std::string program_;
  std::vector<std::string> args_;
  std::string name_;
  Log log_;
  std::optional<pid_t> pid_;
  Clock::time_point started_{}, next_start_{};
  std::chrono::seconds backoff_ = kFirstBackoff;
  uint64_t starts_ = 0;
  bool absent_ = false;
};

}  // namespace relay::node
