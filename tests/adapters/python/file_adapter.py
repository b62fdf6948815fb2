#!/usr/bin/python3
"""A relay adapter that serves one chain's final blocks from a file (docs/adapter-protocol.md,
"A worked example"): the adapter protocol's example in another language than the node's, and
the test adapter of the relay's suite.

    /usr/bin/python3 file_adapter.py --genesis genesis.json --chain alpha \\
        --file alpha.jsonl --endpoint ipc:///var/lib/relay/adapter-alpha.ipc

Needs Debian's python3-zmq, python3-protobuf and python3-pycryptodome (scripts/setup), and the
module protoc generates from proto/relay.proto (the build writes build/python/relay_pb2.py).

Exit codes: 0 stopped by SIGTERM or SIGINT; 2 a bad command line or configuration (genesis,
key file, or the node refused: wrong network, chain or version); 3 the chain file is bad or
disagrees with what the node stored; 1 anything else (a bug).
"""

import argparse
import logging
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import relay_adapter  # noqa: E402
import relay_curve  # noqa: E402
import relay_genesis  # noqa: E402
import relay_pb  # noqa: E402
from relay_adapter import EXIT_CONFIG, EXIT_DATA  # noqa: E402
from relay_chain_file import ChainFile, ChainFileError  # noqa: E402

BREAK_MODES = ("skip-seq", "bad-accumulator", "ignore-window", "ignore-resume", "no-rehello",
               "crash-on-malformed", "unordered-events", "no-wait-for-resume")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="file_adapter.py",
        description="Serve one chain's final blocks, read from a JSON-lines file, to a relay "
                    "node over the adapter protocol (docs/adapter-protocol.md).",
        epilog="Exit codes: 0 stopped by SIGTERM/SIGINT, 2 configuration, 3 chain file, "
               "1 a bug.")
    p.add_argument("--version", action="version",
                   version=f"{relay_adapter.ADAPTER_NAME} {relay_adapter.ADAPTER_VERSION}")
    p.add_argument("--genesis", required=True, metavar="FILE",
                   help="the network's genesis file (its SHA-256 is the network id)")
    p.add_argument("--chain", required=True, metavar="NAME", help="the genesis chain served")
    p.add_argument("--file", required=True, metavar="FILE",
                   help="the chain file: one JSON object per final block")
    p.add_argument("--endpoint", required=True,
                   help="the node's ROUTER: ipc://PATH, or tcp://HOST:PORT (needs CURVE)")
    p.add_argument("--node-public-key", metavar="Z85",
                   help="tcp: the node's CURVE public key (40 Z85 characters)")
    p.add_argument("--curve-key-file", metavar="FILE",
                   help="tcp: this adapter's CURVE key file (relayctl curve-keygen; mode 0600)")
    p.add_argument("--window", type=int, default=8,
                   help="Blocks messages unacknowledged at most (default 8)")
    p.add_argument("--max-headers", type=int, default=1000,
                   help="blocks per message at most (default 1000; protocol: 10000)")
    p.add_argument("--max-events", type=int, default=10000,
                   help="events per message at most (default 10000; protocol: 100000)")
    p.add_argument("--max-bytes", type=int, default=4 * 1024 * 1024,
                   help="bytes per message at most (default 4 MiB; protocol: 16 MiB)")
    p.add_argument("--hello-timeout", type=float, default=5.0, metavar="SECONDS",
                   help="wait this long for Resume before a new connection (default 5)")
    p.add_argument("--ack-timeout", type=float, default=30.0, metavar="SECONDS",
                   help="with Blocks outstanding and no Ack for this long, Hello again "
                        "(default 30)")
    p.add_argument("--follow", action="store_true",
                   help="keep reading blocks appended to the file (as tail -f)")
    p.add_argument("--answer-publish", action="store_true",
                   help="answer each PublishRequest with PublishReport FAILED (this adapter "
                        "does not publish); without it they are only logged")
    p.add_argument("--proto-dir", metavar="DIR",
                   help="folder holding relay_pb2.py (default: $RELAY_PROTO_PY, else build/python)")
    p.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    p.add_argument("--break", dest="breaks", action="append", default=[], choices=BREAK_MODES,
                   help="break one protocol rule on purpose (to test conformance.py)")
    a = p.parse_args(argv)
    for name in ("window", "max_headers", "max_events"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')}: must be at least 1")
    if a.max_headers > relay_adapter.MAX_HEADERS or a.max_events > relay_adapter.MAX_EVENTS:
        p.error("--max-headers / --max-events: above the protocol's 10000 / 100000")
    if not 1024 <= a.max_bytes <= relay_adapter.MAX_MESSAGE_BYTES - 1024:
        p.error("--max-bytes: must be from 1024 to 16 MiB - 1024")
    if a.endpoint.startswith("tcp://") and not (a.node_public_key and a.curve_key_file):
        p.error("a tcp endpoint needs --node-public-key and --curve-key-file (CURVE)")
    if not a.endpoint.startswith(("tcp://", "ipc://")):
        p.error(f"--endpoint: must be ipc://PATH or tcp://HOST:PORT, got {a.endpoint!r}")
    return a


def options_from(a):
    o = relay_adapter.Options()
    o.endpoint = a.endpoint
    if a.endpoint.startswith("tcp://"):
        server = relay_curve.public_key_from_z85(a.node_public_key, "--node-public-key")
        public, secret = relay_curve.load_key_file(a.curve_key_file)
        o.curve = (server, public, secret)
    o.window, o.max_headers, o.max_events, o.max_bytes = (a.window, a.max_headers, a.max_events,
                                                          a.max_bytes)
    o.hello_timeout, o.ack_timeout = a.hello_timeout, a.ack_timeout
    o.follow, o.answer_publish = a.follow, a.answer_publish
    o.breaks = frozenset(a.breaks)
    return o


def main(argv):
    a = parse_args(argv)
    logging.basicConfig(level=a.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s file_adapter %(levelname)s %(message)s")
    log = logging.getLogger("file_adapter")
    try:
        pb = relay_pb.load(a.proto_dir)
        genesis = relay_genesis.load(a.genesis)
        genesis.chain(a.chain)
        options = options_from(a)
    except (relay_pb.ProtoNotFound, relay_genesis.GenesisError, relay_curve.CurveKeyError) as e:
        log.error("%s", e)
        return EXIT_CONFIG
    chain_file = ChainFile(a.file, genesis, a.chain, pb)
    try:
        chain_file.read_more()
    except ChainFileError as e:
        log.error("%s", e)
        return EXIT_DATA
    for b in chain_file.blocks:
        for w in b.warnings:
            log.warning("%s", w)
    log.info("%s: %d blocks%s", a.file, len(chain_file.blocks),
             f" ({chain_file.blocks[0].height}..{chain_file.blocks[-1].height})"
             if chain_file.blocks else "")

    adapter = relay_adapter.Adapter(options, genesis, chain_file, pb)
    # A signal sets a flag and writes to the wakeup fd, which the adapter's poll watches: the
    # loop sees it at once and closes its socket before exiting.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: adapter.stop())
    signal.set_wakeup_fd(adapter.wakeup_fd())
    return adapter.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
