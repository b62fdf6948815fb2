#!/usr/bin/python3
"""The adapter protocol's conformance test (docs/adapter-protocol.md, "The conformance test"):
plays the node against an adapter and checks, rule by rule, what the adapter sends.

    /usr/bin/python3 conformance.py --genesis genesis.json --chain alpha -- \\
        ./my-adapter --endpoint {endpoint}

It binds a ROUTER (ipc in a scratch folder; with --transport tcp, on 127.0.0.1 with CURVE),
starts the adapter command with {endpoint}, {node_public_key} and {curve_key_file} replaced
(also given as $RELAY_ENDPOINT, $RELAY_NODE_PUBLIC_KEY, $RELAY_CURVE_KEY_FILE), and prints one
line per rule: PASS, FAIL (with what was expected and what came), NOT CHECKED (the run never
got there) or SKIP (an optional rule not exercised). Exit status 0 only if every rule held;
1 if one did not; 2 for a bad command line.

Needs Debian's python3-zmq, python3-protobuf and python3-pycryptodome, and relay_pb2.py from
the build (--proto-dir, $RELAY_PROTO_PY, or build/python).
"""

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import relay_genesis  # noqa: E402
import relay_pb  # noqa: E402
from conformance_checks import RULES, Report  # noqa: E402
from conformance_conversation import Conversation  # noqa: E402
from conformance_node import AdapterProcess, FakeNode  # noqa: E402
from conformance_scenario import Scenario  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="conformance.py",
        description="Check an adapter against the relay's adapter protocol by playing the node "
                    "(docs/adapter-protocol.md). In the adapter's command, {endpoint}, "
                    "{node_public_key} and {curve_key_file} are replaced (also given as "
                    "$RELAY_ENDPOINT, $RELAY_NODE_PUBLIC_KEY, $RELAY_CURVE_KEY_FILE). Exit 0 "
                    "only if every rule held, 1 if not, 2 for a bad command line.",
        epilog="Rules: " + "; ".join(f"{r[0]}: {r[1]}" for r in RULES))
    p.add_argument("--version", action="version", version="relay-conformance 0.1.0 "
                                                           "(adapter protocol 1)")
    p.add_argument("--genesis", required=True, metavar="FILE",
                   help="the genesis the adapter is configured with (network id, chain id)")
    p.add_argument("--chain", required=True, metavar="NAME", help="the chain the adapter serves")
    p.add_argument("--transport", choices=("ipc", "tcp"), default="ipc",
                   help="ipc (default), or tcp on 127.0.0.1 with CURVE: the adapter gets the "
                        "node's public key and a key file of its own")
    p.add_argument("--blocks", type=int, default=20,
                   help="blocks the adapter must serve from the start block (default 20)")
    p.add_argument("--window", type=int, default=8,
                   help="the most Blocks an adapter may keep unacknowledged (default 8)")
    p.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                   help="wait this long for what must come (default 20)")
    p.add_argument("--quiet", type=float, default=0.5, metavar="SECONDS",
                   help="silence that shows nothing more is coming (default 0.5)")
    p.add_argument("--require-publish-report", action="store_true",
                   help="the adapter must answer a PublishRequest")
    p.add_argument("--expect-fail", metavar="RULE", choices=[r[0] for r in RULES],
                   help="for testing this test: exit 0 only if RULE fails")
    p.add_argument("--proto-dir", metavar="DIR", help="folder holding relay_pb2.py")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder (adapter log)")
    p.add_argument("command", nargs="+", help="the adapter's command line (after --)")
    a = p.parse_args(argv)
    if a.blocks < 2 or a.window < 1:
        p.error("--blocks must be at least 2, --window at least 1")
    return a


def main(argv):
    a = parse_args(argv)
    try:
        pb = relay_pb.load(a.proto_dir)
        genesis = relay_genesis.load(a.genesis)
        chain = genesis.chain(a.chain)
    except (relay_pb.ProtoNotFound, relay_genesis.GenesisError) as e:
        print(f"conformance: {e}", file=sys.stderr)
        return 2

    def log(text):
        print(f"  .. {text}", flush=True)

    scratch = tempfile.mkdtemp(prefix="relay-conformance-")
    report = Report(a.require_publish_report)
    node = FakeNode(a.transport, scratch)
    adapter = None
    try:
        adapter = AdapterProcess(a.command, node, scratch)
        print(f"conformance: chain {chain.name} (id {chain.chain_id}), node at {node.endpoint}",
              flush=True)
        print(f"conformance: adapter: {' '.join(adapter.argv)} (pid {adapter.proc.pid})",
              flush=True)
        conv = Conversation(node, adapter, report, pb, genesis, chain, a.window, log)
        Scenario(conv, report, pb, a, log).run()
    except OSError as e:
        print(f"conformance: cannot start the adapter: {e}", file=sys.stderr)
        return 2
    finally:
        if adapter is not None:
            adapter.kill()
        node.close()

    for line in report.lines():
        print(line)
    failed = report.failed()
    if failed and adapter is not None:
        print(f"conformance: the adapter's last output ({adapter.log_path}):")
        for line in adapter.tail():
            print(f"  | {line}")
    if a.keep or failed and a.expect_fail is None:
        print(f"conformance: scratch folder kept: {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"RESULT: {'FAIL (' + ', '.join(failed) + ')' if failed else 'PASS'}")
    if a.expect_fail:
        hit = a.expect_fail in failed and report.status(a.expect_fail) == "FAIL"
        print(f"conformance: --expect-fail {a.expect_fail}: "
              f"{'failed, as expected' if hit else 'did NOT fail'}")
        return 0 if hit else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
