"""file_adapter.py as a process against a ROUTER the test plays (real ZeroMQ over ipc): what
the conformance test does not cover. Its command line and exit codes, the checks of the chain
file against the node's Resume (a tip of another fork, a gap, the file's eventState), the
node's Errors (a configuration error stops it; OVERSIZED shrinks its messages; CONFLICT raises
an alarm once resumed), --follow, the Ack timeout, and SIGTERM while idle.
Run: RELAY_PROTO_PY=build/python /usr/bin/python3 -m unittest file_adapter_test
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import relay_pb  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ADAPTER = os.path.join(HERE, "file_adapter.py")
GENESIS = os.path.join(HERE, "testdata", "genesis.json")
SAMPLE = os.path.join(HERE, "testdata", "alpha.jsonl")
PYTHON = "/usr/bin/python3"
LIMIT = 20.0  # seconds: a bound for a broken build, never a timing assumption
pb = relay_pb.load()

with open(SAMPLE) as f:
    SAMPLE_LINES = f.read().splitlines()


def run(args, timeout=LIMIT):
    return subprocess.run([PYTHON, ADAPTER] + args, capture_output=True, text=True,
                          timeout=timeout)


class Node:
    """A ROUTER over ipc and the adapter process connected to it."""

    def __init__(self, test, lines=None, args=()):
        self.dir = tempfile.TemporaryDirectory()
        self.file = os.path.join(self.dir.name, "chain.jsonl")
        self.write(SAMPLE_LINES if lines is None else lines)
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.ROUTER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.endpoint = f"ipc://{self.dir.name}/node.ipc"
        self.sock.bind(self.endpoint)
        self.log = open(os.path.join(self.dir.name, "adapter.log"), "w+")
        self.proc = subprocess.Popen(
            [PYTHON, ADAPTER, "--genesis", GENESIS, "--chain", "alpha", "--file", self.file,
             "--endpoint", self.endpoint] + list(args),
            stdout=self.log, stderr=subprocess.STDOUT)
        self.rid = None
        test.addCleanup(self.close)

    def write(self, lines, mode="w"):
        with open(self.file, mode) as f:
            f.write("".join(line + "\n" for line in lines))

    def recv(self, timeout=LIMIT):
        """The next AdapterMessage (its routing id remembered), or None."""
        if not self.sock.poll(int(timeout * 1000)):
            return None
        self.rid, body = self.sock.recv_multipart()
        return pb.AdapterMessage.FromString(body)

    def recv_kind(self, kind, timeout=LIMIT):
        """Skips messages until one of `kind`; None if none within the time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self.recv(deadline - time.monotonic())
            if m is not None and m.WhichOneof("body") == kind:
                return m
        return None

    def send(self, **body):
        self.sock.send_multipart([self.rid, pb.NodeMessage(**body).SerializeToString()])

    def hello_resume(self, **resume):
        h = self.recv_kind("hello")
        assert h is not None, self.output()
        self.send(resume=pb.Resume(**resume))
        return h

    def ack(self, blocks):
        last = blocks.headers[-1]
        self.send(ack=pb.Ack(seq=blocks.seq, height=last.height, block_hash=last.hash))

    def wait(self, timeout=LIMIT):
        return self.proc.wait(timeout)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.sock.close(0)
        self.ctx.term()
        self.log.close()
        self.dir.cleanup()


def sample_block(height):
    return json.loads(SAMPLE_LINES[height])


class CommandLineTest(unittest.TestCase):
    def test_help_and_version(self):
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        self.assertIn("--endpoint", r.stdout)
        self.assertIn("--curve-key-file", r.stdout)
        r = run(["--version"])
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "relay-file-adapter 0.1.0"))

    def test_the_other_tools_have_help_and_version(self):
        for tool, version in (("conformance.py", "relay-conformance 0.1.0"),
                              ("chain_file_from_rpc.py", "chain_file_from_rpc 0.1.0")):
            path = os.path.join(HERE, tool)
            r = subprocess.run([PYTHON, path, "--help"], capture_output=True, text=True,
                               timeout=LIMIT)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("--genesis", r.stdout)
            r = subprocess.run([PYTHON, path, "--version"], capture_output=True, text=True,
                               timeout=LIMIT)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith(version), r.stdout)

    def test_configuration_errors_exit_2(self):
        base = ["--genesis", GENESIS, "--chain", "alpha", "--file", SAMPLE]
        r = run(base + ["--endpoint", "tcp://127.0.0.1:1"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("a tcp endpoint needs --node-public-key and --curve-key-file", r.stderr)
        r = run(base + ["--endpoint", "ipc:///x", "--chain", "gamma"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("no chain named 'gamma'", r.stderr)
        with tempfile.TemporaryDirectory() as d:
            key = os.path.join(d, "k.key")
            public, secret = zmq.curve_keypair()
            with open(key, "w") as f:
                json.dump({"type": "relay-curve-key", "version": 1,
                           "public_key": public.decode(), "secret_key": secret.decode()}, f)
            os.chmod(key, 0o644)
            r = run(base + ["--endpoint", "tcp://127.0.0.1:1", "--node-public-key",
                            public.decode(), "--curve-key-file", key])
            self.assertEqual(r.returncode, 2)
            self.assertIn("group or others can access it (mode 0644)", r.stderr)
            self.assertNotIn(secret.decode(), r.stderr)

    def test_a_bad_chain_file_exits_3_naming_line_and_field(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "c.jsonl")
            bad = sample_block(1)
            bad["events"][1]["account"] = "0x1234"
            with open(path, "w") as f:
                f.write(SAMPLE_LINES[0] + "\n" + json.dumps(bad) + "\n")
            r = run(["--genesis", GENESIS, "--chain", "alpha", "--file", path, "--endpoint",
                     f"ipc://{d}/n.ipc"])
            self.assertEqual(r.returncode, 3)
            self.assertIn(f"{path}:2: events[1].account: must be 0x and 64 hex digits", r.stderr)


class AgainstTheNodeTest(unittest.TestCase):
    def test_wrong_network_stops_with_exit_2(self):
        n = Node(self)
        n.recv_kind("hello")
        n.send(error=pb.Error(code=pb.WRONG_NETWORK, message="network id 0x12 is not 0x34"))
        self.assertEqual(n.wait(), 2)
        self.assertIn("the node refused this adapter (WRONG_NETWORK): network id 0x12",
                      n.output())

    def test_a_tip_of_another_fork_raises_reorg_and_exits_3(self):
        n = Node(self)
        n.hello_resume(has_tip=True, next_height=11, tip_hash=b"\x77" * 32, event_count=7,
                       accumulator=b"\x01" * 32)
        alarm = n.recv_kind("alarm")
        self.assertEqual(alarm.alarm.kind, "reorg")
        self.assertIn("block 10: node has 0x7777", alarm.alarm.message)
        self.assertEqual(n.wait(), 3)
        self.assertIn("the file is another chain or fork than the node stored", n.output())

    def test_a_file_starting_after_the_resume_point_exits_3(self):
        n = Node(self, lines=SAMPLE_LINES[5:])
        n.hello_resume(has_tip=False, next_height=0)
        self.assertEqual(n.wait(), 3)
        self.assertIn("the node resumes at block 0, but", n.output())
        self.assertIn("starts at block 5", n.output())

    def test_an_event_state_the_events_do_not_fold_to_exits_3(self):
        lines = list(SAMPLE_LINES)
        b = sample_block(9)
        b["accumulator"] = "0x" + "ee" * 32
        lines[9] = json.dumps(b)
        n = Node(self, lines=lines)
        n.hello_resume(has_tip=False, next_height=0)
        alarm = n.recv_kind("alarm")
        self.assertEqual(alarm.alarm.kind, "accumulator_mismatch")
        self.assertEqual(n.wait(), 3)
        self.assertIn("block 9: the file's eventState (5, 0xeeee", n.output())

    def test_follow_sends_blocks_appended_later(self):
        n = Node(self, lines=SAMPLE_LINES[:10], args=["--follow"])
        n.hello_resume(has_tip=False, next_height=0)
        got = []
        while not got or got[-1] < 9:
            m = n.recv_kind("blocks")
            got += [h.height for h in m.blocks.headers]
            n.ack(m.blocks)
        n.write(SAMPLE_LINES[10:15], mode="a")
        while got[-1] < 14:
            m = n.recv_kind("blocks")
            self.assertIsNotNone(m, n.output())
            got += [h.height for h in m.blocks.headers]
            n.ack(m.blocks)
        self.assertEqual(got, list(range(15)))

    def test_oversized_makes_it_say_hello_again_and_send_less(self):
        n = Node(self, args=["--max-headers", "8"])
        n.hello_resume(has_tip=False, next_height=0)
        m = n.recv_kind("blocks")
        self.assertEqual(len(m.blocks.headers), 8)
        n.send(error=pb.Error(code=pb.OVERSIZED, message="too many headers"))
        n.hello_resume(has_tip=False, next_height=0)
        m = n.recv_kind("blocks")
        self.assertEqual((m.blocks.seq, len(m.blocks.headers)), (1, 4))

    def test_conflict_raises_a_reorg_alarm_in_the_next_session(self):
        n = Node(self)
        n.hello_resume(has_tip=False, next_height=0)
        n.recv_kind("blocks")
        n.send(error=pb.Error(code=pb.CONFLICT, message="block 3 is stored with 0xab"))
        n.hello_resume(has_tip=False, next_height=0)
        alarm = n.recv_kind("alarm")
        self.assertEqual((alarm.alarm.kind, alarm.alarm.message),
                         ("reorg", "node: block 3 is stored with 0xab"))

    def test_no_ack_for_the_timeout_makes_it_hello_again_on_a_new_connection(self):
        n = Node(self, args=["--ack-timeout", "0.5", "--max-headers", "50"])
        n.hello_resume(has_tip=False, next_height=0)
        first = n.rid
        self.assertIsNotNone(n.recv_kind("blocks"))
        self.assertIsNotNone(n.recv_kind("hello"))
        self.assertNotEqual(n.rid, first)
        self.assertIn("no Ack for 0.5 s with 1 Blocks outstanding", n.output())

    def test_ahead_of_the_file_it_waits_and_stops_on_sigterm(self):
        n = Node(self)
        n.hello_resume(has_tip=True, next_height=100, tip_hash=b"\x05" * 32, event_count=1,
                       accumulator=b"\x06" * 32)
        self.assertIsNone(n.recv(timeout=0.3))  # nothing to send, and no error
        n.proc.send_signal(signal.SIGTERM)
        self.assertEqual(n.wait(), 0)
        out = n.output()
        self.assertIn("the node is ahead of the file (tip 99, file ends at 39)", out)
        self.assertIn("stopping (signal)", out)

    def test_a_malformed_resume_makes_it_hello_again(self):
        n = Node(self)
        n.hello_resume(has_tip=True, next_height=11, tip_hash=b"\x05" * 31)
        n.hello_resume(has_tip=False, next_height=0)
        self.assertEqual(n.recv_kind("blocks").blocks.headers[0].height, 0)
        self.assertIn("a malformed Resume (with a tip: next_height above 0, 32-byte tip_hash and "
                      "accumulator; got 11, 31 and 0 bytes)", n.output())

    def test_a_decreasing_timestamp_is_sent_as_the_file_has_it(self):
        lines = list(SAMPLE_LINES[:3])
        b = sample_block(2)
        b["timestamp"] = 1
        lines[2] = json.dumps(b)
        n = Node(self, lines=lines)
        n.hello_resume(has_tip=False, next_height=0)
        m = n.recv_kind("blocks")
        self.assertEqual([h.timestamp for h in m.blocks.headers][2], 1)
        self.assertIn("timestamp 1 is older than block 1's", n.output())
        n.send(error=pb.Error(code=pb.TIMESTAMP_DECREASED, message="block 2"))
        n.hello_resume(has_tip=False, next_height=0)
        self.assertEqual(n.recv_kind("alarm").alarm.kind, "timestamp_decreased")


if __name__ == "__main__":
    unittest.main()
