#include "proofs/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace relay {
namespace {

constexpr size_t kMaxFileSize = size_t{64} * 1024;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

Result<void> write_secret_file(const std::string& path, std::string_view text, const char* what) {
  const std::string where = std::string(what) + " " + path + ": ";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return fail(where + "already exists; refusing to overwrite");
    return fail(where + "cannot create: " + errno_text());
  }
  std::string error;
  // The umask may have narrowed the mode; make it exactly 0600 whatever it was.
  if (::fchmod(fd, 0600) != 0) error = "cannot set mode 0600: " + errno_text();
  for (size_t off = 0; error.empty() && off < text.size();) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      error = "cannot write: " + errno_text();
    else
      off += static_cast<size_t>(n);
  }
  if (error.empty() && ::fsync(fd) != 0) error = "cannot sync: " + errno_text();
  if (::close(fd) != 0 && error.empty()) error = "cannot close: " + errno_text();
  if (!error.empty()) {
    ::unlink(path.c_str());
    return fail(where + error);
  }
  return {};
}

Result<std::string> read_secret_file(const std::string& path, const char* what) {
  const std::string where = std::string(what) + " " + path + ": ";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(where + "cannot open: " + errno_text());
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    std::string e = errno_text();
    ::close(fd);
    return fail(where + "cannot stat: " + e);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(where + "not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return fail(where + "mode " + mode +
                " lets group or others access the secret key; refusing it (chmod 600 " + path +
                ")");
  }
  if (static_cast<size_t>(st.st_size) > kMaxFileSize) {
    ::close(fd);
    return fail(where + "larger than 64 KiB; not a " + what);
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  return text;
}

}  // namespace relay
