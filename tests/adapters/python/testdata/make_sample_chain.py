#!/usr/bin/python3
"""Writes alpha.jsonl, the sample chain file of the Python adapter's tests: 40 final blocks of
chain alpha (genesis.json here) from height 0, block hashes keccak256("alpha block <n>"),
timestamps 2 s apart but every sixth block sharing its parent's, and vault events of every kind (several in
one block, withdrawals to beta and to a chain the genesis does not know, one without tx). Every
tenth block carries the vault's eventState (event_count, accumulator), folded here.

    /usr/bin/python3 make_sample_chain.py --proto-dir ../../../../build/python > alpha.jsonl
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import relay_genesis  # noqa: E402
import relay_pb  # noqa: E402
from relay_accumulator import Accumulator, keccak256  # noqa: E402
from relay_chain_file import ChainFile  # noqa: E402

ALICE = "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
BOB = "0x00000000000000000000000070997970c51812dc3a010c7d01dc720c6a3e7f75"
USDC = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"
ETH = "0x0000000000000000000000000000000000000000"


def h(text):
    return "0x" + keccak256(text.encode()).hex()


def events_of(n):
    """The vault events of block n (a fixed pattern)."""
    def ev(i, kind, **fields):
        e = {"type": kind, "chain": "alpha", "block": n, "log_index": i}
        if not (n == 21 and i == 0):
            e["tx"] = h(f"alpha tx {n}/{i}")
        e.update(fields)
        return e
    if n == 17:
        return [ev(0, "withdrawal_request", account=BOB, asset="ETH", amount="5",
                   dest_chain="chain_id:999", recipient="0x" + BOB[-40:]),
                ev(3, "withdrawal_claimed", withdrawal_id=h("withdrawal 1")),
                ev(4, "deposit", token=ETH, account=ALICE, amount="1")]
    if n % 5 == 1:
        return [ev(0, "deposit", token=ETH, account=ALICE, amount=str(10**18 * n)),
                ev(2, "deposit", token=USDC, account=BOB, amount=str(2500000 + n))]
    if n % 7 == 3:
        return [ev(1, "withdrawal_request", account=ALICE, asset="USDC", amount=str(1000 + n),
                   dest_chain="beta", recipient="0x" + ALICE[-40:])]
    return []


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--proto-dir")
    args = a.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    pb = relay_pb.load(args.proto_dir)
    genesis = relay_genesis.load(os.path.join(here, "genesis.json"))
    acc = Accumulator()
    parent = "0x" + "00" * 32
    for n in range(40):
        block = {"height": n, "hash": h(f"alpha block {n}"), "parent_hash": parent,
                 "timestamp": 1764470000 + 2 * n - (2 if n % 6 == 5 else 0),
                 "events": events_of(n)}
        # Fold through the reader, so the accumulator is of the events exactly as sent.
        reader = ChainFile(os.devnull, genesis, "alpha", pb)
        for e in reader._block(json.dumps(block).encode()).events:
            acc.add(e)
        if n % 10 == 9:
            block["event_count"], block["accumulator"] = acc.count, "0x" + acc.value.hex()
        print(json.dumps(block, separators=(",", ":")))
        parent = block["hash"]


if __name__ == "__main__":
    main()
