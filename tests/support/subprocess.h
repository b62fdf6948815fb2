// Running real processes from tests (relayctl, the crash child): fork+exec with stdout and
// stderr captured through pipes, waiting on the pipes and waitpid, never on timers. Also a
// scratch folder that removes itself. Header-only; test code only.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace relay::testing {

/// A fresh folder under $TMPDIR (or /tmp), removed with everything in it on destruction.
using test::TempDir;  // tests/support/temp_dir.h

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out, err;
};

/// A child process whose stdout and stderr go to pipes, and which may be given one more pipe
/// (its write end at fd `report_fd` in the child) to report progress on.
class Process {
 public:
  explicit Process(const std::vector<std::string>& argv, int report_fd = -1) {
    int out[2], err[2], rep[2] = {-1, -1};
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || (report_fd >= 0 && pipe2(rep, O_CLOEXEC)))
      throw std::runtime_error("pipe: " + std::string(strerror(errno)));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork: " + std::string(strerror(errno)));
    if (pid_ == 0) {
      // Only async-signal-safe calls from here to exec.
      dup2(out[1], 1);
      dup2(err[1], 2);
      if (report_fd >= 0) dup2(rep[1], report_fd);  // dup2 clears FD_CLOEXEC on the copy
      execv(args[0], args.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (report_fd >= 0) {
      close(rep[1]);
      report_ = rep[0];
    }
  }
  ~Process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    for (int fd : {out_, err_, report_})
      if (fd >= 0) close(fd);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  /// The next line the child wrote on its report pipe (without "\n"); empty at end of file
  /// (the child exited or died). Blocks until a whole line or end of file is there.
  std::string next_report() {
    for (;;) {
      size_t nl = report_buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = report_buf_.substr(0, nl);
        report_buf_.erase(0, nl + 1);
        return line;
      }
      if (report_ < 0) return {};
      // Drains stdout and stderr meanwhile, so the child never blocks on a full pipe.
      pump();
    }
  }

  /// Reads stdout and stderr until `needle` appears in what the child wrote to stderr: true,
  /// or false once every pipe ended without it.
  bool wait_for_stderr(const std::string& needle) {
    while (err_buf_.find(needle) == std::string::npos) {
      if (out_ < 0 && err_ < 0 && report_ < 0) return false;
      pump();
    }
    return true;
  }
  /// What the child wrote to stderr so far.
  const std::string& stderr_so_far() const { return err_buf_; }
  /// Reads what the child has written by now, without waiting: a test that polls something
  /// else for long calls it so that the child never blocks on a full pipe.
  void drain() { pump(0); }

  /// SIGKILL, then waits for the child to be gone.
  ProcessResult kill_and_wait() {
    kill(pid_, SIGKILL);
    return wait();
  }

  /// Reads stdout and stderr to their end and reaps the child.
  ProcessResult wait() {
    while (out_ >= 0 || err_ >= 0 || report_ >= 0) pump();
    ProcessResult r;
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.out = std::move(out_buf_);
    r.err = std::move(err_buf_);
    return r;
  }

 private:
  // Waits until one of the open pipes is readable and reads what is there; a pipe at end of
  // file is closed (its fd set to -1).
  void pump(int timeout_ms = -1) {
    struct Src {
      int* fd;
      std::string* buf;
    } srcs[3] = {{&out_, &out_buf_}, {&err_, &err_buf_}, {&report_, &report_buf_}};
    pollfd fds[3];
    int n = 0;
    Src* map[3];
    for (auto& s : srcs)
      if (*s.fd >= 0) {
        fds[n] = {*s.fd, POLLIN, 0};
        map[n++] = &s;
      }
    if (n == 0) return;
    if (poll(fds, n, timeout_ms) < 0) {
      if (errno == EINTR) return;
      throw std::runtime_error("poll: " + std::string(strerror(errno)));
    }
    for (int i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        map[i]->buf->append(buf, size_t(got));
      } else if (got == 0 || errno != EINTR) {
        close(*map[i]->fd);
        *map[i]->fd = -1;
      }
    }
  }

  pid_t pid_ = -1;
  int out_ = -1, err_ = -1, report_ = -1;
  std::string out_buf_, err_buf_, report_buf_;
};

/// Runs argv to completion.
inline ProcessResult run_process(const std::vector<std::string>& argv) {
  return Process(argv).wait();
}

}  // namespace relay::testing
