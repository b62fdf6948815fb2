#include "relay/cli/util.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace relay::cli {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(path + ": read error");
  return ss.str();
}

int die(const std::string& message) {
  std::cerr << "relayctl: " << message << "\n";
  return 2;
}

}  // namespace relay::cli
