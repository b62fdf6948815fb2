#include "relay/genesis_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace relay::node {

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(path + ": read error");
  return ss.str();
}

Result<Genesis> read_genesis_file(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) return fail("genesis " + text.error().message);
  auto genesis = parse_genesis(*text);
  if (!genesis) return fail(path + ": " + genesis.error().message);
  return genesis;
}

}  // namespace relay::node
