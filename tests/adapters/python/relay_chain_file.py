"""The chain file file_adapter.py serves: one chain's final blocks as JSON lines
(docs/adapter-protocol.md "The chain file"). One object per block, in height order:

    {"height": 7, "hash": "0x<64 hex>", "parent_hash": "0x<64 hex>", "timestamp": 1764470007,
     "events": [<event>, ...],
     "event_count": 3, "accumulator": "0x<64 hex>"}            <- optional, both or neither

Each <event> is one line of the replay log (wire/event_log.h, what `relayctl watch --json-lines`
prints): "type" (deposit, withdrawal_request, withdrawal_claimed), "chain" (the served chain's
genesis name), "block" (this block's height), "log_index", optional "tx", and the type's fields
(deposit: token, account, amount; withdrawal_request: account, asset, amount, dest_chain,
recipient; withdrawal_claimed: withdrawal_id). dest_chain is a genesis chain name or
"chain_id:<n>". event_count / accumulator, when given, are the vault's eventState() after the
block; the adapter checks its own fold against them.

The reader refuses, naming file, line and field, anything the vault and the chain could not
have produced: a height that is not the previous + 1, a parent that is not the previous block,
an event of another chain or block, log indexes not increasing, sizes, ranges, unknown or
repeated keys. A timestamp older than the parent's is read (the node decides: it is an alarm)
and reported in `warnings`.
"""

import json
from dataclasses import dataclass, field
from typing import Optional

MAX_U32 = 2**32 - 1
MAX_U64 = 2**64 - 1

_EVENT_FIELDS = {
    "deposit": {"token", "account", "amount"},
    "withdrawal_request": {"account", "asset", "amount", "dest_chain", "recipient"},
    "withdrawal_claimed": {"withdrawal_id"},
}
_COMMON = {"type", "chain", "block", "log_index"}
_BLOCK_FIELDS = {"height", "hash", "parent_hash", "timestamp", "events"}
_STATE_FIELDS = {"event_count", "accumulator"}


class ChainFileError(ValueError):
    pass


@dataclass
class Block:
    height: int
    hash: bytes
    parent_hash: bytes
    timestamp: int
    events: list  # relay.wire.ChainEvent, in log order
    line: int
    vault_state: Optional[tuple] = None  # (event_count, accumulator bytes) when the file has it
    warnings: list = field(default_factory=list)


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ChainFileError(f"{k}: repeated key")
        out[k] = v
    return out


class _Fields:
    """Typed access to one JSON object; errors name the field (with a prefix)."""

    def __init__(self, obj, prefix):
        self.obj = obj
        self.prefix = prefix

    def fail(self, key, reason):
        raise ChainFileError(f"{self.prefix}{key}: {reason}")

    def get(self, key):
        if key not in self.obj:
            self.fail(key, "missing")
        return self.obj[key]

    def uint(self, key, maximum):
        v = self.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= maximum:
            self.fail(key, f"must be an integer from 0 to {maximum}")
        return v

    def string(self, key):
        v = self.get(key)
        if not isinstance(v, str) or not v:
            self.fail(key, "must be a non-empty string")
        return v

    def hex(self, key, size):
        v = self.string(key)
        body = v[2:]
        if not v.startswith(("0x", "0X")) or len(body) != 2 * size or not all(
                c in "0123456789abcdefABCDEF" for c in body):
            self.fail(key, f"must be 0x and {2 * size} hex digits")
        return bytes.fromhex(body)

    def amount(self, key, bits):
        v = self.string(key)
        if not v.isascii() or not v.isdigit():
            self.fail(key, "must be a decimal string of digits")
        if int(v) >= 2**bits:
            self.fail(key, f"must be below 2^{bits}")
        return str(int(v))  # without leading zeros, as event_log.h normalizes


class ChainFile:
    """The blocks of one chain's file, read so far. read_more() reads lines appended since
    (only complete lines: a line still being written waits for its newline)."""

    def __init__(self, path, genesis, chain_name, pb):
        self.path = path
        self.genesis = genesis
        self.chain = genesis.chain(chain_name)
        self.pb = pb
        self.blocks = []
        self._offset = 0
        self._line = 0

    def read_more(self) -> int:
        """Reads new complete lines; returns how many blocks were added. Raises
        ChainFileError ("FILE:LINE: field: reason"); blocks before the bad line stay."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except OSError as e:
            raise ChainFileError(f"{self.path}: cannot read: {e.strerror}") from None
        end = data.rfind(b"\n")
        if end < 0:
            return 0
        added = 0
        for raw in data[:end].split(b"\n"):
            self._line += 1
            self._offset += len(raw) + 1
            if raw.strip():
                try:
                    self.blocks.append(self._block(raw))
                except ChainFileError as e:
                    raise ChainFileError(f"{self.path}:{self._line}: {e}") from None
                added += 1
        return added

    def index_of(self, height) -> Optional[int]:
        if not self.blocks:
            return None
        i = height - self.blocks[0].height
        return i if 0 <= i < len(self.blocks) else None

    def _block(self, raw):
        try:
            obj = json.loads(raw, object_pairs_hook=_no_duplicates)
        except ChainFileError:
            raise
        except ValueError as e:
            raise ChainFileError(f"not valid JSON ({e})") from None
        if not isinstance(obj, dict):
            raise ChainFileError("must be a JSON object (one block)")
        unknown = set(obj) - _BLOCK_FIELDS - _STATE_FIELDS
        if unknown:
            raise ChainFileError(f"{sorted(unknown)[0]}: unknown field")
        f = _Fields(obj, "")
        b = Block(height=f.uint("height", MAX_U64), hash=f.hex("hash", 32),
                  parent_hash=f.hex("parent_hash", 32), timestamp=f.uint("timestamp", MAX_U64),
                  events=[], line=self._line)
        if set(obj) & _STATE_FIELDS:
            b.vault_state = (f.uint("event_count", MAX_U64), f.hex("accumulator", 32))
        if self.blocks:
            prev = self.blocks[-1]
            if b.height != prev.height + 1:
                f.fail("height", f"must be {prev.height + 1} (the previous block's + 1), "
                                 f"got {b.height}")
            if b.parent_hash != prev.hash:
                f.fail("parent_hash", f"must be block {prev.height}'s hash "
                                      f"0x{prev.hash.hex()}, got 0x{b.parent_hash.hex()}")
            if b.timestamp < prev.timestamp:
                b.warnings.append(f"{self.path}:{self._line}: timestamp {b.timestamp} is older "
                                  f"than block {prev.height}'s {prev.timestamp}")
        events = f.get("events")
        if not isinstance(events, list):
            f.fail("events", "must be a list")
        last_index = None
        for i, e in enumerate(events):
            ev = self._event(e, f"events[{i}].", b.height)
            if last_index is not None and ev.position.log_index <= last_index:
                raise ChainFileError(f"events[{i}].log_index: must be above the previous "
                                     f"event's {last_index}, got {ev.position.log_index}")
            last_index = ev.position.log_index
            b.events.append(ev)
        return b

    def _event(self, obj, prefix, height):
        if not isinstance(obj, dict):
            raise ChainFileError(f"{prefix[:-1]}: must be a JSON object (one event)")
        f = _Fields(obj, prefix)
        kind = f.string("type")
        if kind not in _EVENT_FIELDS:
            f.fail("type", f"unknown event type {kind!r} (deposit, withdrawal_request, "
                           f"withdrawal_claimed)")
        unknown = set(obj) - _COMMON - {"tx"} - _EVENT_FIELDS[kind]
        if unknown:
            f.fail(sorted(unknown)[0], f"not a field of a {kind} event")
        if f.string("chain") != self.chain.name:
            f.fail("chain", f"must be the served chain {self.chain.name!r}, got {obj['chain']!r}")
        if f.uint("block", MAX_U64) != height:
            f.fail("block", f"must be this block's height {height}, got {obj['block']}")
        ev = self.pb.ChainEvent()
        ev.position.chain_id = self.chain.chain_id
        ev.position.block = height
        ev.position.log_index = f.uint("log_index", MAX_U32)
        if "tx" in obj:
            ev.position.tx_hash = f.hex("tx", 32)
        if kind == "deposit":
            ev.deposit.token = f.hex("token", 20)
            ev.deposit.account = f.hex("account", 32)
            ev.deposit.amount = f.amount("amount", 256)
        elif kind == "withdrawal_request":
            w = ev.withdrawal_request
            w.account = f.hex("account", 32)
            asset = f.string("asset")
            if len(asset.encode("utf-8")) > 32:
                f.fail("asset", "must be at most 32 bytes of UTF-8")
            w.asset = asset
            w.amount = f.amount("amount", 128)  # the vault's record holds a uint128
            dest = f.string("dest_chain")
            dest_id = self.genesis.chain_id_of(dest)
            if dest_id is None:
                f.fail("dest_chain", f"{dest!r} is neither a genesis chain nor \"chain_id:<n>\"")
            w.dest_chain_id = dest_id
            w.recipient = f.hex("recipient", 20)
        else:
            ev.withdrawal_claimed.withdrawal_id = f.hex("withdrawal_id", 32)
        return ev
