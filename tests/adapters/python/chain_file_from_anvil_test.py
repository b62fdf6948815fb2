"""A chain file made from a real chain, served by file_adapter.py: a local anvil with the real
RelayVault (tests/adapters/evm_chain.mjs: two deposits in one block, two withdrawal requests, a
last deposit), `relayctl watch --json-lines` for its events, chain_file_from_rpc.py for the
headers and the vault's eventState() at every block. The conformance test then runs the file
adapter on that file: the adapter checks its fold against the vault's eventState at every block
and stops (exit 3) on the first difference, so a PASS means the Python fold equals the Solidity
vault's, event by event. Skipped without anvil or node (scripts/setup installs them).
Run: RELAY_PROTO_PY=build/python RELAY_BIN_DIR=build/bin /usr/bin/python3 -m unittest \\
     chain_file_from_anvil_test
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
ANVIL = os.path.join(ROOT, "node_modules", ".bin", "anvil")
NODE = "/usr/bin/node"
PYTHON = "/usr/bin/python3"
RELAYCTL = os.path.join(os.environ.get("RELAY_BIN_DIR", os.path.join(ROOT, "build", "bin")),
                        "relayctl")
LIMIT = 60.0  # seconds: a bound for a broken build, never a timing assumption


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rpc(url, method, params=()):
    req = urllib.request.Request(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                                  "params": list(params)}).encode(),
                                 {"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["result"]


def genesis_text(vault, token, start_block=0):
    return json.dumps({
        "network": "python-anvil-test", "quorum": 1,
        "validators": [{"name": "v1", "weight": 1, "pubkey": "0x0279be667ef9dcbbac55a06295ce870b"
                        "07029bfcdb2dce28d959f2815b16f81798"}],
        "chains": [{"name": "alpha", "chain_id": 31337, "kind": "evm", "vault": vault,
                    "start_block": start_block, "finality": {"confirmations": 2}},
                   {"name": "beta", "chain_id": 31338, "kind": "evm",
                    "vault": "0x2222222222222222222222222222222222222222",
                    "finality": {"confirmations": 2}}],
        "assets": [{"id": "ETH", "decimals": 18, "tokens": {"alpha": {
                       "address": "0x0000000000000000000000000000000000000000", "decimals": 18}}},
                   {"id": "USDC", "decimals": 6, "tokens": {"alpha": {
                       "address": token, "decimals": 6}}}]}, indent=1)


@unittest.skipUnless(os.access(ANVIL, os.X_OK) and os.access(NODE, os.X_OK),
                     "anvil or node missing (scripts/setup installs them)")
class ChainFileFromAnvilTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.anvil = subprocess.Popen([ANVIL, "--host", "127.0.0.1", "--port", str(port),
                                       "--silent"], stdout=subprocess.DEVNULL)
        self.addCleanup(self.stop_anvil)
        deadline = time.monotonic() + LIMIT
        while True:  # until the RPC port answers
            try:
                rpc(self.url, "eth_chainId")
                break
            except OSError:
                self.assertLess(time.monotonic(), deadline, "anvil did not answer")
                time.sleep(0.05)

    def stop_anvil(self):
        self.anvil.kill()
        self.anvil.wait()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def run_ok(self, argv, out=None):
        """Runs argv to its end (stdout to `out`'s path if given); returns stdout."""
        r = subprocess.run(argv, capture_output=True, text=True, timeout=LIMIT * 4)
        self.assertEqual(r.returncode, 0, f"{argv[:2]}: {r.stderr}")
        if out:
            with open(out, "w") as f:
                f.write(r.stdout)
        return r.stdout

    def test_the_file_adapter_folds_as_the_vault_does(self):
        chain = json.loads(self.run_ok([NODE, os.path.join(ROOT, "tests", "adapters",
                                                           "evm_chain.mjs"), self.url]))
        self.assertEqual(chain["latest"], 8)
        rpc(self.url, "anvil_mine", ["0x2"])  # blocks up to 8 are final (2 confirmations)
        genesis = self.path("genesis.json")
        with open(genesis, "w") as f:
            # The vault is deployed in block 2: its eventState exists from there on.
            f.write(genesis_text(chain["vault"], chain["token"], start_block=2))
        self.run_ok([RELAYCTL, "watch", "--genesis", genesis, "--chain", "alpha", "--rpc",
                     self.url, "--to", "8", "--json-lines"], out=self.path("events.jsonl"))
        self.run_ok([PYTHON, os.path.join(HERE, "chain_file_from_rpc.py"), "--genesis", genesis,
                     "--chain", "alpha", "--rpc", self.url, "--events", self.path("events.jsonl"),
                     "--to", "8", "--event-state"], out=self.path("alpha.jsonl"))
        with open(self.path("alpha.jsonl")) as f:
            blocks = [json.loads(line) for line in f]
        self.assertEqual([b["height"] for b in blocks], list(range(2, 9)))
        self.assertEqual([len(b["events"]) for b in blocks], [0, 0, 0, 2, 1, 1, 1])
        self.assertEqual([b["event_count"] for b in blocks], [0, 0, 0, 2, 3, 4, 5])
        self.assertEqual(blocks[-1]["hash"], rpc(self.url, "eth_getBlockByNumber",
                                                ["0x8", False])["hash"])
        # Serve it: every eventState is checked against the adapter's fold as it sends.
        out = subprocess.run(
            [PYTHON, os.path.join(HERE, "conformance.py"), "--genesis", genesis, "--chain",
             "alpha", "--blocks", "7", "--window", "4", "--", PYTHON, os.path.join(HERE, "file_adapter.py"),
             "--genesis", genesis, "--chain", "alpha", "--file", self.path("alpha.jsonl"),
             "--endpoint", "{endpoint}", "--max-headers", "1", "--window", "4"],
            capture_output=True, text=True, timeout=LIMIT * 2)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("RESULT: PASS", out.stdout)

    def test_a_wrong_vault_address_is_named(self):
        genesis = self.path("genesis.json")
        with open(genesis, "w") as f:
            f.write(genesis_text("0x" + "33" * 20, "0x" + "44" * 20))
        with open(self.path("events.jsonl"), "w"):
            pass
        r = subprocess.run([PYTHON, os.path.join(HERE, "chain_file_from_rpc.py"), "--genesis",
                            genesis, "--chain", "alpha", "--rpc", self.url, "--events",
                            self.path("events.jsonl"), "--to", "0", "--event-state"],
                           capture_output=True, text=True, timeout=LIMIT)
        self.assertEqual(r.returncode, 1)
        self.assertIn("block 0: eventState() returned 0 bytes, not 64 (is 0x3333", r.stderr)


if __name__ == "__main__":
    sys.exit(unittest.main())
