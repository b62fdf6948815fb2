#include "relay/adapter_supervisor.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace relay::node {
namespace {

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

AdapterSupervisor::AdapterSupervisor(std::string program, std::vector<std::string> args,
                                     std::string name, Log log)
    : program_(std::move(program)), args_(std::move(args)), name_(std::move(name)), log_(std::move(log)) {}

AdapterSupervisor::~AdapterSupervisor() { stop(); }

std::optional<std::string> AdapterSupervisor::find_program(const std::string& name, std::string& looked) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::string beside = (self.parent_path() / name).string();
    if (executable(beside)) return beside;
    looked = beside;
  }
  const char* path = std::getenv("PATH");
  looked += std::string(looked.empty() ? "" : ", ") + "PATH";
  std::string dirs = path ? path : "";
  for (size_t at = 0; at <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', at), dirs.size());
    const std::string dir = dirs.substr(at, end - at);
    if (!dir.empty() && executable(dir + "/" + name)) return dir + "/" + name;
    at = end + 1;
  }
  return std::nullopt;
}

std::string AdapterSupervisor::state() const {
  if (pid_) return "running";
  return absent_ ? "absent" : "restarting";
}

void AdapterSupervisor::start(Clock::time_point now) {
  // A failed start waits out the backoff as an exit does.
  auto retry_later = [&] {
    next_start_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  };
  if (!executable(program_)) {
    retry_later();
    if (!absent_)
      log_.error("built-in adapter missing: cannot run " + program_ +
                     "; this chain gets no blocks and its epochs stall until it is installed",
                 {{"chain", name_}, {"program", program_}});
    absent_ = true;
    return;
  }
  absent_ = false;
  std::vector<char*> argv;
  argv.push_back(program_.data());
  for (std::string& a : args_) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    log_.error("cannot start the adapter: fork failed", {{"chain", name_}});
    retry_later();
    return;
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);  // relayd died before prctl took effect
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // relayd blocks SIGTERM/SIGINT for its signalfd
    ::close_range(3, ~0U, 0);                    // no socket or database of relayd's
    ::execv(program_.c_str(), argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  started_ = now;
  ++starts_;
  log_.info("adapter started", {{"chain", name_}, {"program", program_}, {"pid", pid}, {"start", starts_}});
}

void AdapterSupervisor::poll(Clock::time_point now) {
  if (pid_) {
    int status = 0;
    const pid_t r = ::waitpid(*pid_, &status, WNOHANG);
    if (r == 0) return;
    pid_.reset();
    if (now - started_ >= kStable) backoff_ = kFirstBackoff;
    next_start_ = now + backoff_;
    log_.warn("adapter exited; restarting after the backoff",
              {{"chain", name_},
               {"how", describe_status(status)},
               {"backoff_seconds", std::chrono::duration_cast<std::chrono::seconds>(backoff_).count()}});
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    return;
  }
  if (now >= next_start_) start(now);
}

void AdapterSupervisor::stop() {
  if (!pid_) return;
  ::kill(*pid_, SIGTERM);
  const auto end = Clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(*pid_, &status, WNOHANG) == 0) {
    if (Clock::now() >= end) {
      ::kill(*pid_, SIGKILL);
      ::waitpid(*pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_.reset();
}

}  // namespace relay::node
