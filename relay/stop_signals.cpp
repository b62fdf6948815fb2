#include "relay/stop_signals.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace relay::node {

Result<std::unique_ptr<StopSignals>> StopSignals::install() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  if (int e = pthread_sigmask(SIG_BLOCK, &set, nullptr); e != 0)
    return fail(std::string("cannot block SIGTERM and SIGINT: ") + std::strerror(e));
  const int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) return fail(std::string("signalfd: ") + std::strerror(errno));
  return std::unique_ptr<StopSignals>(new StopSignals(fd));
}

StopSignals::~StopSignals() { ::close(fd_); }

int StopSignals::wait(std::chrono::milliseconds timeout) {
  if (received_) return received_;
  pollfd p{fd_, POLLIN, 0};
  const int n = ::poll(&p, 1, timeout.count() < 0 ? -1 : int(timeout.count()));
  if (n <= 0) return 0;  // timeout, or EINTR from a signal this does not handle
  signalfd_siginfo info;
  if (::read(fd_, &info, sizeof info) == ssize_t(sizeof info)) received_ = int(info.ssi_signo);
  return received_;
}

}  // namespace relay::node
