"""Unit tests of the Python adapter's parts: the accumulator against docs/contract.md's pinned
example and the ethers vectors of tests/vectors, the chain file reader's errors (file, line, field, reason), CURVE key files, genesis
lookups. Run: RELAY_PROTO_PY=build/python /usr/bin/python3 -m unittest relay_units_test
"""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import zmq  # noqa: E402

import relay_curve  # noqa: E402
import relay_genesis  # noqa: E402
import relay_pb  # noqa: E402
from relay_accumulator import Accumulator, AccumulatorError, keccak256, record  # noqa: E402
from relay_chain_file import ChainFile, ChainFileError  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GENESIS = os.path.join(HERE, "testdata", "genesis.json")
SAMPLE = os.path.join(HERE, "testdata", "alpha.jsonl")
pb = relay_pb.load()

ZERO = "0x" + "00" * 32
H1 = "0x" + "11" * 32
H2 = "0x" + "22" * 32
H3 = "0x" + "33" * 32


def deposit(**over):
    e = {"type": "deposit", "chain": "alpha", "block": 1, "log_index": 0,
         "token": "0x" + "00" * 20, "account": "0x" + "00" * 12 + "ab" * 20, "amount": "5"}
    e.update(over)
    return e


def block(height=1, parent=H1, hash_=H2, ts=100, events=None, **over):
    b = {"height": height, "hash": hash_, "parent_hash": parent, "timestamp": ts,
         "events": events if events is not None else []}
    b.update(over)
    return b


class AccumulatorTest(unittest.TestCase):
    def test_keccak_is_ethereums_not_sha3(self):
        self.assertEqual(keccak256(b"").hex(),
                         "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")

    def test_docs_contract_example(self):
        # docs/contract.md "Event accumulator", pinned there by tests/deploy on a real vault.
        alice = bytes.fromhex("f39fd6e51aad88f6f4ce6ab8827279cfffb92266")
        e1 = pb.ChainEvent()
        e1.deposit.token = bytes(20)
        e1.deposit.account = bytes(12) + alice
        e1.deposit.amount = str(2 * 10**18)
        e2 = pb.ChainEvent()
        w = e2.withdrawal_request
        w.account, w.amount, w.dest_chain_id = bytes(12) + alice, str(5 * 10**17), 31338
        w.recipient = bytes.fromhex("3c44cdddb6a900fa2b585dd299e03d12fa4293bc")
        w.asset = "ETH"
        e3 = pb.ChainEvent()
        e3.withdrawal_claimed.withdrawal_id = b"\xab" * 32
        self.assertEqual(len(record(e1)), 85)
        self.assertEqual(len(record(e2)), 81)
        self.assertEqual(len(record(e3)), 33)
        acc = Accumulator()
        want = ["2dbcbaff38b29f7081e7fe77edfb126c495851df566b6629f9ad827843a5e2c6",
                "6dbce876ae28d9d79bb7f3f8a74cba7de5d618068c044b6a8b4042cdfc28bdac",
                "c1e849edd0e3c63a18d1351aef10c7ef77ae71358219bb2dca73630e7de92efd"]
        for i, (e, v) in enumerate(zip((e1, e2, e3), want)):
            acc.add(e)
            self.assertEqual((acc.count, acc.value.hex()), (i + 1, v))

    def test_ethers_vectors(self):
        # tests/vectors/accumulator_vectors.json: records and folds written by ethers 6
        # (solidityPacked, keccak256), which proofs/event_accumulator_test.cpp also reads.
        path = os.path.join(HERE, "..", "..", "vectors", "accumulator_vectors.json")
        with open(path) as f:
            steps = json.load(f)["steps"]
        self.assertEqual(len(steps), 10)
        acc = Accumulator()
        for i, step in enumerate(steps):
            v = step["event"]
            e = pb.ChainEvent()
            if v["type"] == "deposit":
                e.deposit.token = bytes.fromhex(v["token"][2:])
                e.deposit.account = bytes.fromhex(v["account"][2:])
                e.deposit.amount = v["amount"]
            elif v["type"] == "withdrawal_request":
                w = e.withdrawal_request
                w.account = bytes.fromhex(v["account"][2:])
                w.amount, w.asset = v["amount"], v["asset"]
                w.dest_chain_id = int(v["dest_chain_id"])
                w.recipient = bytes.fromhex(v["recipient"][2:])
            else:
                e.withdrawal_claimed.withdrawal_id = bytes.fromhex(v["withdrawal_id"][2:])
            with self.subTest(step=i, type=v["type"]):
                self.assertEqual("0x" + record(e).hex(), step["record"])
                acc.add(e)
                self.assertEqual((acc.count, "0x" + acc.value.hex()),
                                 (step["count"], step["accumulator"]))

    def test_refuses_what_the_vault_cannot_emit(self):
        e = pb.ChainEvent()
        e.withdrawal_request.account = bytes(32)
        e.withdrawal_request.recipient = bytes(20)
        e.withdrawal_request.asset = "ETH"
        e.withdrawal_request.amount = str(2**128)
        with self.assertRaisesRegex(AccumulatorError, r"withdrawal_request.amount: must be below "
                                                      r"2\^128"):
            Accumulator().add(e)
        e.withdrawal_request.amount = "1"
        e.withdrawal_request.asset = "A" * 33
        with self.assertRaisesRegex(AccumulatorError, "asset: must be 1 to 32 bytes"):
            Accumulator().add(e)
        with self.assertRaisesRegex(AccumulatorError, "body: missing"):
            Accumulator().add(pb.ChainEvent())


class ChainFileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.genesis = relay_genesis.load(GENESIS)

    def tearDown(self):
        self.dir.cleanup()

    def read(self, lines, raw=None):
        path = os.path.join(self.dir.name, "chain.jsonl")
        with open(path, "w") as f:
            f.write(raw if raw is not None else "".join(json.dumps(x) + "\n" for x in lines))
        cf = ChainFile(path, self.genesis, "alpha", pb)
        cf.read_more()
        return cf

    def refused(self, lines, pattern, raw=None):
        with self.assertRaises(ChainFileError) as ctx:
            self.read(lines, raw)
        self.assertRegex(str(ctx.exception), pattern)

    def test_reads_the_sample(self):
        cf = ChainFile(SAMPLE, self.genesis, "alpha", pb)
        self.assertEqual(cf.read_more(), 40)
        b17 = cf.blocks[17]
        self.assertEqual([e.WhichOneof("body") for e in b17.events],
                         ["withdrawal_request", "withdrawal_claimed", "deposit"])
        self.assertEqual(b17.events[0].withdrawal_request.dest_chain_id, 999)
        self.assertEqual(cf.blocks[3].events[0].withdrawal_request.dest_chain_id, 31338)
        self.assertEqual(cf.blocks[9].vault_state[0], 5)
        self.assertEqual(len(cf.blocks[21].events[0].position.tx_hash), 0)

    def test_errors_name_file_line_and_field(self):
        first = block(height=0, parent=ZERO, hash_=H1, ts=99)
        cases = [
            ([first, block(height=2)], r"chain.jsonl:2: height: must be 1 .*got 2"),
            ([first, block(parent=H3)], r":2: parent_hash: must be block 0's hash"),
            ([first, block(hash_="0x12")], r":2: hash: must be 0x and 64 hex digits"),
            ([first, block(ts=-1)], r":2: timestamp: must be an integer from 0"),
            ([first, block(ts=True)], r":2: timestamp: must be an integer"),
            ([first, block(extra=1)], r":2: extra: unknown field"),
            ([first, block(event_count=1)], r":2: accumulator: missing"),
            ([first, {"height": 1}], r":2: hash: missing"),
            ([first, block(events=[deposit(chain="beta")])],
             r":2: events\[0\].chain: must be the served chain 'alpha'"),
            ([first, block(events=[deposit(block=7)])],
             r":2: events\[0\].block: must be this block's height 1, got 7"),
            ([first, block(events=[deposit(log_index=3), deposit(log_index=3)])],
             r":2: events\[1\].log_index: must be above the previous event's 3"),
            ([first, block(events=[deposit(amount="1e3")])],
             r"events\[0\].amount: must be a decimal string"),
            ([first, block(events=[deposit(amount=str(2**256))])],
             r"events\[0\].amount: must be below 2\^256"),
            ([first, block(events=[deposit(type="mint")])], r"events\[0\].type: unknown event"),
            ([first, block(events=[deposit(asset="ETH")])],
             r"events\[0\].asset: not a field of a deposit event"),
            ([first, block(events=[deposit(tx="0x1")])], r"events\[0\].tx: must be 0x and 64"),
            ([first, block(events=[{"type": "withdrawal_request", "chain": "alpha", "block": 1,
                                    "log_index": 0, "account": H1, "asset": "ETH",
                                    "amount": "1", "dest_chain": "gamma",
                                    "recipient": "0x" + "00" * 20}])],
             r"dest_chain: 'gamma' is neither a genesis chain nor \"chain_id:<n>\""),
            ([first, block(events=[{"type": "withdrawal_request", "chain": "alpha", "block": 1,
                                    "log_index": 0, "account": H1, "asset": "ETH",
                                    "amount": str(2**128), "dest_chain": "beta",
                                    "recipient": "0x" + "00" * 20}])],
             r"events\[0\].amount: must be below 2\^128"),
        ]
        for lines, pattern in cases:
            with self.subTest(pattern=pattern):
                self.refused(lines, pattern)
        self.refused(None, r":1: not valid JSON", raw="{\n")
        self.refused(None, r":1: .*hash: repeated key",
                     raw='{"height":0,"hash":"%s","hash":"%s"}\n' % (H1, H1))
        self.refused(None, r":3: must be a JSON object", raw=json.dumps(first) + "\n\n[]\n")

    def test_a_decreasing_timestamp_is_read_with_a_warning(self):
        cf = self.read([block(height=0, parent=ZERO, hash_=H1, ts=100), block(ts=99)])
        self.assertEqual(len(cf.blocks), 2)
        self.assertRegex(cf.blocks[1].warnings[0], r":2: timestamp 99 is older than block 0's")

    def test_reads_only_complete_lines_appended(self):
        path = os.path.join(self.dir.name, "grow.jsonl")
        first = json.dumps(block(height=0, parent=ZERO, hash_=H1)) + "\n"
        second = json.dumps(block())
        with open(path, "w") as f:
            f.write(first + second[:20])
        cf = ChainFile(path, self.genesis, "alpha", pb)
        self.assertEqual(cf.read_more(), 1)
        self.assertEqual(cf.read_more(), 0)
        with open(path, "a") as f:
            f.write(second[20:] + "\n")
        self.assertEqual(cf.read_more(), 1)
        self.assertEqual([b.height for b in cf.blocks], [0, 1])
        self.assertEqual(cf.index_of(1), 1)
        self.assertIsNone(cf.index_of(2))


class CurveKeyFileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def test_round_trip_and_refusals(self):
        public, secret = zmq.curve_keypair()
        path = os.path.join(self.dir.name, "k.key")
        relay_curve.write_key_file(path, public, secret)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertEqual(relay_curve.load_key_file(path), (public, secret))
        with self.assertRaises(FileExistsError):
            relay_curve.write_key_file(path, public, secret)
        os.chmod(path, 0o640)
        with self.assertRaisesRegex(relay_curve.CurveKeyError, r"group or others can access it "
                                                               r"\(mode 0640\): chmod 600"):
            relay_curve.load_key_file(path)
        other, _ = zmq.curve_keypair()
        bad = os.path.join(self.dir.name, "bad.key")
        fd = os.open(bad, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"type": "relay-curve-key", "version": 1, "public_key": other.decode(),
                       "secret_key": secret.decode()}, f)
        with self.assertRaises(relay_curve.CurveKeyError) as ctx:
            relay_curve.load_key_file(bad)
        self.assertIn("public_key is not the secret key's", str(ctx.exception))
        self.assertNotIn(secret.decode(), str(ctx.exception))
        dup = os.path.join(self.dir.name, "dup.key")
        fd = os.open(dup, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write('{"type":"relay-curve-key","version":1,"public_key":"%s","public_key":"%s",'
                    '"secret_key":"%s"}' % (other.decode(), public.decode(), secret.decode()))
        with self.assertRaisesRegex(relay_curve.CurveKeyError, "public_key: repeated key"):
            relay_curve.load_key_file(dup)
        with self.assertRaisesRegex(relay_curve.CurveKeyError, "must be 40 Z85 characters"):
            relay_curve.public_key_from_z85("abc", "--node-public-key")


class GenesisTest(unittest.TestCase):
    def test_network_id_and_destinations(self):
        g = relay_genesis.load(GENESIS)
        import hashlib
        with open(GENESIS, "rb") as f:
            self.assertEqual(g.network_id, hashlib.sha256(f.read()).digest())
        self.assertEqual(g.chain("beta").chain_id, 31338)
        self.assertEqual(g.chain_id_of("alpha"), 31337)
        self.assertEqual(g.chain_id_of("chain_id:999"), 999)
        for bad in ("chain_id:07", "chain_id:", "chain_id:x", f"chain_id:{2**64}", "gamma"):
            self.assertIsNone(g.chain_id_of(bad), bad)
        with self.assertRaisesRegex(relay_genesis.GenesisError, "no chain named 'gamma'"):
            g.chain("gamma")


if __name__ == "__main__":
    unittest.main()
