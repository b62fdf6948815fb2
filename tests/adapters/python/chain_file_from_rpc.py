#!/usr/bin/python3
"""Makes a chain file for file_adapter.py (docs/adapter-protocol.md "The chain file") from a
real EVM chain: the headers of blocks FROM..TO read over JSON-RPC (eth_getBlockByNumber, in
batches), the vault events of those blocks as `relayctl watch --json-lines` printed them, and,
with --event-state, the vault's eventState() at every block (eth_call at the block's hash,
EIP-1898), which file_adapter.py then checks its own fold against.

    relayctl watch --genesis genesis.json --chain alpha --rpc http://127.0.0.1:8545 --to 120 \\
        --json-lines > events.jsonl
    /usr/bin/python3 chain_file_from_rpc.py --genesis genesis.json --chain alpha \\
        --rpc http://127.0.0.1:8545 --events events.jsonl --to 120 --event-state > alpha.jsonl

Only final blocks belong in a chain file: TO must be final by the chain's rule (relayctl watch
stops at the finalized head). Python's standard library only (urllib), besides this folder's
Keccak. Exit 0 on success, 1 on an RPC or input error (the message names it), 2 for a bad
command line.
"""

import argparse
import json
import os
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import relay_genesis  # noqa: E402
from relay_accumulator import keccak256  # noqa: E402

EVENT_STATE = "0x" + keccak256(b"eventState()")[:4].hex()
BATCH = 100


class Failure(Exception):
    pass


class Rpc:
    def __init__(self, url):
        self.url = url
        u = urllib.parse.urlsplit(url)  # errors name scheme://host[:port] only: a provider's
        self.label = f"{u.scheme}://{u.hostname}" + (f":{u.port}" if u.port else "")  # key
        self.id = 0

    def batch(self, calls):
        """Results of [(method, params)], in order; raises Failure naming the call."""
        body = []
        for method, params in calls:
            self.id += 1
            body.append({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
        req = urllib.request.Request(self.url, json.dumps(body).encode(),
                                     {"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                answers = json.loads(r.read())
        except (OSError, ValueError) as e:
            raise Failure(f"RPC {self.label}: {e}") from None
        if not isinstance(answers, list):
            raise Failure(f"RPC {self.label}: the answer to a batch is not a list")
        by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
        out = []
        for (method, params), req_body in zip(calls, body):
            a = by_id.get(req_body["id"])
            if a is None or "error" in a or "result" not in a:
                why = a.get("error") if a else "no answer"
                raise Failure(f"RPC {self.label}: {method}{params}: {why}")
            out.append(a["result"])
        return out


def quantity(text, what):
    if not isinstance(text, str) or not text.startswith("0x"):
        raise Failure(f"{what}: not a hex quantity: {text!r}")
    return int(text, 16)


def read_events(path, chain, first, last):
    """The watch lines by block; each must be of `chain` and within first..last."""
    by_block = {}
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise Failure(f"{path}: cannot read: {e.strerror}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            e = json.loads(line)
        except ValueError as err:
            raise Failure(f"{path}:{n}: not JSON ({err})") from None
        if not isinstance(e, dict) or e.get("type") == "epoch":
            continue
        if e.get("chain") != chain:
            raise Failure(f"{path}:{n}: chain {e.get('chain')!r} is not {chain!r}")
        block = e.get("block")
        if not isinstance(block, int) or not first <= block <= last:
            raise Failure(f"{path}:{n}: block {block!r} is outside {first}..{last}")
        by_block.setdefault(block, []).append(e)
    return by_block


def main(argv):
    p = argparse.ArgumentParser(prog="chain_file_from_rpc.py", description=__doc__.split("\n")[0])
    p.add_argument("--version", action="version", version="chain_file_from_rpc 0.1.0")
    p.add_argument("--genesis", required=True)
    p.add_argument("--chain", required=True)
    rpc = p.add_mutually_exclusive_group(required=True)
    rpc.add_argument("--rpc", help="the chain's JSON-RPC URL")
    rpc.add_argument("--rpc-file", help="a file whose first line is the URL (for URLs holding "
                                        "credentials: not on the command line)")
    p.add_argument("--events", required=True, help="relayctl watch --json-lines output")
    p.add_argument("--from", dest="first", type=int, default=None,
                   help="first block (default: the genesis start_block)")
    p.add_argument("--to", dest="last", type=int, required=True, help="last block (final)")
    p.add_argument("--event-state", action="store_true",
                   help="add the vault's eventState() at every block")
    a = p.parse_args(argv)
    try:
        genesis = relay_genesis.load(a.genesis)
        chain = genesis.chain(a.chain)
    except relay_genesis.GenesisError as e:
        print(f"chain_file_from_rpc: {e}", file=sys.stderr)
        return 2
    first = chain.start_block if a.first is None else a.first
    if a.last < first:
        p.error(f"--to {a.last} is before the first block {first}")
    url = a.rpc
    if a.rpc_file:
        try:
            with open(a.rpc_file) as f:
                url = f.readline().strip()
        except OSError as e:
            print(f"chain_file_from_rpc: {a.rpc_file}: {e.strerror}", file=sys.stderr)
            return 2
    rpc = Rpc(url)
    try:
        events = read_events(a.events, chain.name, first, a.last)
        for lo in range(first, a.last + 1, BATCH):
            heights = range(lo, min(a.last, lo + BATCH - 1) + 1)
            blocks = rpc.batch([("eth_getBlockByNumber", [hex(h), False]) for h in heights])
            states = [None] * len(blocks)
            if a.event_state:
                states = rpc.batch([("eth_call", [{"to": chain.vault, "data": EVENT_STATE},
                                                  {"blockHash": b["hash"]}]) for b in blocks])
            for h, b, state in zip(heights, blocks, states):
                if b is None or quantity(b.get("number"), f"block {h}.number") != h:
                    raise Failure(f"RPC {rpc.label}: block {h}: missing or another number")
                line = {"height": h, "hash": b["hash"], "parent_hash": b["parentHash"],
                        "timestamp": quantity(b.get("timestamp"), f"block {h}.timestamp"),
                        "events": events.get(h, [])}
                if state is not None:
                    raw = bytes.fromhex(state[2:]) if isinstance(state, str) else b""
                    if len(raw) != 64:
                        raise Failure(f"block {h}: eventState() returned {len(raw)} bytes, not "
                                      f"64 (is {chain.vault} the vault?)")
                    line["event_count"] = int.from_bytes(raw[:32], "big")
                    line["accumulator"] = "0x" + raw[32:].hex()
                print(json.dumps(line, separators=(",", ":")))
    except Failure as e:
        print(f"chain_file_from_rpc: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
