// node.toml (relay/config.h, relay/config_check.h): docs/node.md's example parses; every
// unknown key, wrong type, bad value and key of the other adapter kind is refused naming the
// file, line and key path and the reason, all at once; an RPC URL is never repeated in a
// message; the files it names are checked (genesis, keys and their modes, rpc files), the
// validator key must be a genesis validator, the chain sections must be the genesis chains;
// describe() shows what was found and no secret.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "proofs/keys_file.h"
#include "tests/relay/node_fixture.h"
#include "wire/curve_key.h"
#include "relay/config_check.h"
#include "tests/proofs/certificate_fixture.h"
#include "tests/support/relayctl.h"

namespace relay::node {
namespace {

using testing::read_text;
using testing::TempDir;

// ZeroMQ's documented CURVE test keys (public halves): valid Z85.
const std::string kKeyA = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
const std::string kKeyB = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

// The toml block of docs/node.md "Configuration", with real keys for its placeholders.
std::string documented_example() {
  const std::string doc = read_text(RELAY_SOURCE_DIR "/docs/node.md");
  const size_t at = doc.find("```toml\n", doc.find("## Configuration"));
  EXPECT_NE(at, std::string::npos);
  std::string toml = doc.substr(at + 8, doc.find("```", at + 8) - at - 8);
  const std::string placeholder = "\"Z85…\"";
  for (size_t p; (p = toml.find(placeholder)) != std::string::npos;)
    toml.replace(p, placeholder.size(), "\"" + kKeyA + "\"");
  return toml;
}

std::string errors_of(std::string_view text) {
  auto c = parse_config(text, "/etc/relay/node.toml");
  EXPECT_FALSE(c) << "accepted:\n" << text;
  return c ? "" : c.error().message;
}

void expect_has(const std::string& errors, const std::string& want) {
  EXPECT_NE(errors.find(want), std::string::npos) << "missing \"" << want << "\" in:\n" << errors;
}

const std::string kNode = R"([node]
genesis = "genesis.json"
data = "data"
validator_key = "validator.key"
)";
const std::string kAlpha = R"([chains.alpha]
adapter = "evm"
rpc = ["http://127.0.0.1:8545"]
)";

TEST(Config, TheDocumentedExampleParses) {
  auto c = parse_config(documented_example(), "/etc/relay/node.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->node.genesis, "/etc/relay/genesis.json") << "relative to the file's folder";
  EXPECT_EQ(c->node.data, "/etc/relay/data");
  EXPECT_EQ(c->node.log_level, LogLevel::kInfo);
  EXPECT_EQ(c->node.log_format, LogFormat::kText);
  ASSERT_TRUE(c->http);
  EXPECT_EQ(c->http->host, "127.0.0.1");
  EXPECT_EQ(c->http->port, 8080);
  ASSERT_TRUE(c->peers);
  EXPECT_EQ(c->peers->listen, "tcp://127.0.0.1:9100");
  ASSERT_EQ(c->peers->peers.size(), 1u);
  EXPECT_EQ(c->peers->peers[0].name, "v2");
  ASSERT_EQ(c->chains.size(), 2u);
  EXPECT_EQ(c->chains[0].name, "alpha");
  EXPECT_EQ(c->chains[0].adapter, AdapterKind::kEvm);
  EXPECT_EQ(c->chains[0].rpc, std::vector<std::string>{"http://127.0.0.1:8545"});
  EXPECT_EQ(c->chains[0].agree, 1u);
  EXPECT_EQ(c->chains[0].publisher_key, "/etc/relay/publisher-alpha.key");
  EXPECT_EQ(c->chains[0].publish_heartbeat_epochs, 60u);
  EXPECT_EQ(c->chains[1].adapter, AdapterKind::kExternal);
  EXPECT_EQ(c->chains[1].endpoint, "tcp://127.0.0.1:9201");
  EXPECT_EQ(c->chains[1].publish_grace_seconds, 30u);
}

TEST(Config, UnknownKeysAreRefusedNamingLineKeyAndWhatTheSectionTakes) {
  const std::string e = errors_of(R"([node]
genesis = "genesis.json"
data = "data"
validator_key = "validator.key"
log_lvl = "debug"

[nodes]
x = 1

[chains.alpha]
adapter = "evm"
rpcs = ["http://127.0.0.1:8545"]
rpc = ["http://127.0.0.1:8545"]
)");
  expect_has(e,
             "/etc/relay/node.toml:5:1: node.log_lvl: unknown key (node takes genesis, data, "
             "validator_key, curve_key, log_level, log_format)");
  expect_has(
      e, "/etc/relay/node.toml:7:2: nodes: unknown key (the file takes node, http, peers, chains)");
  expect_has(e, "/etc/relay/node.toml:12:1: chains.alpha.rpcs: unknown key");
  EXPECT_EQ(std::count(e.begin(), e.end(), '\n'), 2) << "one line per problem, all reported:\n"
                                                     << e;
  EXPECT_LT(e.find(":5:1:"), e.find(":7:2:")) << "in the file's order";
  EXPECT_LT(e.find(":7:2:"), e.find(":12:1:"));
}

TEST(Config, WrongTypesAndValuesNameTheKeyAndTheReason) {
  const std::string e = errors_of(kNode + R"(log_level = "loud"
log_format = "xml"
[http]
listen = "localhost"
[peers]
listen = "127.0.0.1:9100"
[[peers.peer]]
name = "v2"
address = "tcp://127.0.0.1:9101"
curve_public_key = "not-a-key"
[[peers.peer]]
name = "v2"
address = "tcp://127.0.0.1:9101"
curve_public_key = ")" + kKeyB + R"("
[chains.alpha]
adapter = "evm"
rpc = ["http://127.0.0.1:8545", 5, "ftp://user:hunter2@example.com/key/s3cr3t"]
agree = "1"
[chains.beta]
adapter = "evm"
rpc = ["http://a:1", "http://b:2"]
agree = 3
publish_heartbeat_epochs = 0
[chains.gamma]
adapter = "ipfs"
)");
  expect_has(e, "node.log_level: \"loud\" is not one of trace, debug, info, warn, error");
  expect_has(e, "node.log_format: \"xml\" is not \"text\" or \"json\"");
  expect_has(e, "http.listen: \"localhost\" is not host:port");
  expect_has(e, "peers.listen: \"127.0.0.1:9100\" is not tcp://host:port");
  expect_has(e, "peers.peer[0].curve_public_key: not a CURVE public key (40 characters of Z85)");
  expect_has(e, "peers.peer[1].name: \"v2\" is named twice");
  expect_has(e, "peers.peer[1].address: \"tcp://127.0.0.1:9101\" is listed twice");
  expect_has(e, "chains.alpha.rpc[1]: must be a string, not integer");
  expect_has(e, "chains.alpha.rpc[2]: not an http:// or https:// URL");
  expect_has(e, "chains.alpha.agree: must be an integer, not string");
  expect_has(e, "chains.beta.agree: 3 is out of range (1 to 2)");
  expect_has(e, "chains.beta.publish_heartbeat_epochs: 0 is out of range");
  expect_has(e, "chains.gamma.adapter: \"ipfs\" is not \"evm\" or \"external\"");
  expect_has(e, "node.curve_key: missing: [peers] needs the node's CURVE key file");
  // An RPC URL may hold credentials: no part of it beyond the key path is repeated.
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  EXPECT_EQ(e.find("s3cr3t"), std::string::npos) << e;
}

TEST(Config, EachAdapterKindTakesOnlyItsOwnKeys) {
  const std::string e = errors_of(kNode + R"(curve_key = "curve.key"
[chains.alpha]
adapter = "evm"
endpoint = "tcp://127.0.0.1:9201"
[chains.beta]
adapter = "external"
rpc = ["http://127.0.0.1:8545"]
publisher_key = "p.key"
endpoint = "tcp://127.0.0.1:9202"
[chains.gamma]
adapter = "external"
endpoint = "ipc:///run/relay/gamma.ipc"
adapter_curve_public_key = ")" + kKeyA +
                                  R"("
[chains.delta]
adapter = "external"
endpoint = "udp://x"
)");
  expect_has(e, "chains.alpha.endpoint: only for adapter = \"external\"");
  expect_has(e, "chains.alpha.rpc: missing: an evm chain needs rpc");
  expect_has(e, "chains.beta.rpc: only for adapter = \"evm\"");
  expect_has(e, "chains.beta.publisher_key: only for adapter = \"evm\"");
  expect_has(e, "chains.beta.adapter_curve_public_key: missing (required for a tcp endpoint");
  expect_has(e, "chains.gamma.adapter_curve_public_key: only for a tcp endpoint");
  expect_has(e, "chains.delta.endpoint: \"udp://x\" is not tcp://host:port or ipc://path");
}

TEST(Config, MissingSectionsAndNotTomlAreNamed) {
  expect_has(errors_of(kAlpha), "node: missing section [node]");
  expect_has(errors_of(kNode), "chains: missing section [chains]");
  expect_has(errors_of("[node]\ngenesis = \"g.json\"\n" + kAlpha),
             "node.data: missing (the data folder)");
  expect_has(errors_of("[node\ngenesis = 1\n"), "/etc/relay/node.toml:1:");
  expect_has(errors_of("[node\ngenesis = 1\n"), ": not TOML: ");
}

// A folder with everything a node.toml names, valid; tests break one thing at a time.
class ConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    genesis_text_ = test::with_epochs(test::genesis_text("config-test", {1, 2, 3}, {1, 1, 1}, 2));
    write("genesis.json", genesis_text_);
    ASSERT_TRUE(write_key_file(dir_ / "validator.key", *make_validator_key(test::fixed_key(2))));
    ASSERT_TRUE(write_key_file(dir_ / "publisher.key", *make_validator_key(test::fixed_key(77))));
    auto curve = net::generate_curve_key_pair();
    ASSERT_TRUE(curve);
    ASSERT_TRUE(net::write_curve_key_file(dir_ / "curve.key", *curve));
    curve_secret_ = test::curve_secret_text(dir_ / "curve.key");
    write("alpha.rpc", "https://user:hunter2@rpc.example.com:8443/v2/s3cr3t\n");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string config(const std::string& extra_alpha = "", const std::string& extra = "") {
    return R"([node]
genesis = "genesis.json"
data = "data"
validator_key = "validator.key"
curve_key = "curve.key"
[peers]
listen = "tcp://127.0.0.1:9100"
[chains.alpha]
adapter = "evm"
rpc = ["http://user:pw@127.0.0.1:8545/key/s3cr3t"]
rpc_files = ["alpha.rpc"]
agree = 2
publisher_key = "publisher.key"
)" + extra_alpha +
           R"(
[chains.beta]
adapter = "external"
endpoint = "tcp://127.0.0.1:9201"
adapter_curve_public_key = ")" +
           kKeyA + "\"\n" + extra;
  }
  Result<LoadedConfig> load(const std::string& text) {
    write("node.toml", text);
    return load_config(dir_ / "node.toml");
  }
  std::string errors(const std::string& text) {
    auto c = load(text);
    EXPECT_FALSE(c);
    return c ? "" : c.error().message;
  }

  TempDir dir_;
  std::string genesis_text_, curve_secret_;
};

TEST_F(ConfigFiles, AGoodConfigurationLoadsItsKeysAndPutsChainsInGenesisOrder) {
  auto c = load(config());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->validator_index, 1u);
  EXPECT_EQ(c->validator_key.address, *evm_address(test::fixed_pubkey(2)));
  EXPECT_EQ(c->genesis.network, "config-test");
  ASSERT_EQ(c->config.chains.size(), 2u);
  EXPECT_EQ(c->config.chains[1].name, "beta");
  ASSERT_TRUE(c->publisher_keys[0]);
  EXPECT_FALSE(c->publisher_keys[1]);
  EXPECT_EQ(c->config.chains[0].rpc_files[0], dir_ / "alpha.rpc");
}

TEST_F(ConfigFiles, DescribeShowsWhatWasFoundAndNoSecret) {
  auto c = load(config());
  ASSERT_TRUE(c) << c.error().message;
  const std::string d = describe(*c);
  expect_has(d, "network \"config-test\"");
  expect_has(d, "validator   v2 (address " + c->validator_key.address.hex());
  expect_has(d, "rpc       http://127.0.0.1:8545");
  expect_has(d, "rpc_file  " + dir_ / "alpha.rpc");
  for (const char* secret : {"pw@", "s3cr3t", "hunter2", "curve-secret"})
    EXPECT_EQ(d.find(secret), std::string::npos) << secret;
  // Neither secret key appears in any form.
  for (uint8_t k : {2, 77}) {
    auto key = test::fixed_key(k);
    Hash32 h;
    std::copy(key.expose_secret().begin(), key.expose_secret().end(), h.bytes.begin());
    EXPECT_EQ(d.find(h.hex().substr(2)), std::string::npos);
  }
}

TEST_F(ConfigFiles, TheFilesItNamesMustExistAndKeysMustBeGood) {
  ::chmod((dir_ / "curve.key").c_str(), 0644);
  std::filesystem::remove(dir_ / "alpha.rpc");
  ::chmod((dir_ / "publisher.key").c_str(), 0640);
  const std::string e = errors(config());
  expect_has(e, "node.toml: node.curve_key: CURVE key file " + dir_ / "curve.key" + ": mode 0644");
  expect_has(e, "node.toml: chains.alpha.rpc_files[0]: " + dir_ / "alpha.rpc" + ": No such file");
  expect_has(e, "node.toml: chains.alpha.publisher_key: key file " + dir_ / "publisher.key" +
                    ": mode 0640");
}

TEST_F(ConfigFiles, TheValidatorKeyMustBeAGenesisValidator) {
  std::filesystem::remove(dir_ / "validator.key");
  ASSERT_TRUE(write_key_file(dir_ / "validator.key", *make_validator_key(test::fixed_key(9))));
  expect_has(errors(config()), "node.validator_key: " + dir_ / "validator.key" +
                                   ": its public key " + test::fixed_pubkey(9).hex() +
                                   " (address ");
  std::filesystem::remove(dir_ / "validator.key");
  expect_has(errors(config()),
             "node.validator_key: key file " + dir_ / "validator.key" + ": cannot open");
}

TEST_F(ConfigFiles, TheChainSectionsMustBeTheGenesisChains) {
  std::string text =
      config("", "[chains.gamma]\nadapter = \"external\"\nendpoint = \"ipc:///tmp/g.ipc\"\n");
  text.replace(text.find("[chains.beta]"), 13, "[chains.betaa]");
  const std::string e = errors(text);
  expect_has(e, "chains.gamma: not a chain of the genesis (its chains: alpha, beta)");
  expect_has(e, "chains.betaa: not a chain of the genesis");
  expect_has(e, "chains.beta: missing: every genesis chain needs a [chains.beta] section");
}

TEST_F(ConfigFiles, TheGenesisMustHaveEpochs) {
  nlohmann::json g = nlohmann::json::parse(test::genesis_text("config-test", {1, 2, 3}, {1, 1, 1}, 2));
  g.erase("epochs");
  write("genesis.json", g.dump(2));
  expect_has(errors(config()), "node.genesis: " + dir_ / "genesis.json" + ": no \"epochs\"");
}

TEST_F(ConfigFiles, AnUnreadableGenesisIsNamed) {
  std::filesystem::remove(dir_ / "genesis.json");
  expect_has(errors(config()), "node.genesis: genesis " + dir_ / "genesis.json" + ": No such file");
  write("genesis.json", "{}");
  expect_has(errors(config()), "node.genesis: " + dir_ / "genesis.json" + ": ");
}

}  // namespace
}  // namespace relay::node
