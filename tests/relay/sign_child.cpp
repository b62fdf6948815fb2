// relay-sign-child: the process sign_once_crash_test kills. It signs one epoch's commitment hash
// with the node's Signer (relay/sign_record.h) over a real data folder, then "sends" it: prints
//   SENT fresh|stored <signature hex>     (exit 0)
//   REFUSED <kind>: <message>             (exit 3)
// With --die-before-record or --die-after-record it SIGKILLs itself just before or just after
// the synced write of the sign record: the two edges between deciding to sign and sending.
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "proofs/keys_file.h"
#include "relay/data_folder.h"
#include "relay/genesis_file.h"
#include "relay/node_keys.h"
#include "relay/sign_record.h"

namespace {

using namespace relay;

// Forwards to the folder's store, dying around the write of a sign record where told.
class FaultStore final : public storage::KvStore {
 public:
  FaultStore(storage::KvStore& inner, bool before, bool after)
      : inner_(inner), before_(before), after_(after) {}
  Result<std::optional<std::string>> get(std::string_view k) const override {
    return inner_.get(k);
  }
  Result<std::optional<Entry>> ceiling(std::string_view p, std::string_view k) const override {
    return inner_.ceiling(p, k);
  }
  Result<void> scan(
      std::string_view p,
      const std::function<bool(std::string_view, std::string_view)>& fn) const override {
    return inner_.scan(p, fn);
  }
  Result<void> write(const storage::WriteBatch& b, bool sync) override {
    bool record = false;
    for (const auto& op : b.ops()) record = record || op.key.starts_with(node::keys::kSignRecord);
    if (record && before_) raise(SIGKILL);
    auto r = inner_.write(b, sync);
    if (record && after_ && r) raise(SIGKILL);
    return r;
  }

 private:
  storage::KvStore& inner_;
  bool before_, after_;
};

int die(const std::string& m) {
  std::cerr << "relay-sign-child: " << m << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string genesis_path, key_path, data, epoch_s, hash_s;
  bool before = false, after = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--genesis")
      genesis_path = next();
    else if (a == "--key")
      key_path = next();
    else if (a == "--data")
      data = next();
    else if (a == "--epoch")
      epoch_s = next();
    else if (a == "--hash")
      hash_s = next();
    else if (a == "--die-before-record")
      before = true;
    else if (a == "--die-after-record")
      after = true;
    else
      return die("unknown option " + a);
  }
  auto genesis = node::read_genesis_file(genesis_path);
  if (!genesis) return die(genesis.error().message);
  auto key = load_key_file(key_path);
  if (!key) return die(key.error().message);
  auto hash = Hash32::from_hex(hash_s);
  if (!hash) return die("--hash: not 32 bytes of hex");
  auto folder = node::open_data_folder(data, genesis->network_id);
  if (!folder) return die(folder.error().message);
  FaultStore store(*folder->store, before, after);
  Secp256k1 secp;
  node::Signer signer(store, secp, key->secret, genesis->network_id);
  auto s = signer.sign_once(std::strtoull(epoch_s.c_str(), nullptr, 10), *hash);
  if (!s) {
    std::cout << "REFUSED " << node::to_string(s.error().kind) << ": " << s.error().message << "\n";
    return 3;
  }
  std::cout << "SENT " << (s->fresh ? "fresh" : "stored") << " " << s->record.signature.hex()
            << "\n";
  return 0;
}
