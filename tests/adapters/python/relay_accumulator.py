"""The vault's event accumulator (docs/node.md "The vault contract", docs/contract.md "Event
accumulator"), folded over the adapter protocol's ChainEvent messages (proto/relay.proto).

Each relay event does ``count += 1; acc = keccak256(acc || record)`` with the record, big-endian
and unpadded (Solidity's abi.encodePacked):

    Deposited            0x01 || token (20) || account (32) || u256 amount             85 bytes
    WithdrawalRequested  0x02 || account (32) || u128 amount || u64 destChainId ||
                         recipient (20) || u8 len(asset) || asset (UTF-8, 1..32)    78 + len
    WithdrawalClaimed    0x03 || withdrawal id (32)                                    33 bytes

Keccak-256 is the EVM's (the original Keccak padding), from Debian's python3-pycryptodome;
hashlib.sha3_256 is FIPS 202 SHA3-256, a different hash.

Both file_adapter.py (which computes what it sends) and conformance.py (which recomputes what it
received) use this fold; tests/adapters/python/python_adapter_node_test.cpp checks what the
adapter sends against the node's fold (proofs/event_accumulator.h), and relay_units_test.py
checks this one against docs/contract.md's example and tests/vectors/accumulator_vectors.json.
"""

from Cryptodome.Hash import keccak

ZERO32 = bytes(32)
MAX_COUNT = 2**64 - 1


class AccumulatorError(ValueError):
    """An event that the vault could not have emitted (a field of the wrong size or range)."""


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _fixed(value: bytes, size: int, field: str) -> bytes:
    if len(value) != size:
        raise AccumulatorError(f"{field}: must be {size} bytes, got {len(value)}")
    return value


def _uint(decimal: str, bits: int, field: str) -> bytes:
    if not decimal or not decimal.isascii() or not decimal.isdigit():
        raise AccumulatorError(f"{field}: must be a decimal string of digits, got {decimal!r}")
    value = int(decimal)
    if value >= 2**bits:
        raise AccumulatorError(f"{field}: must be below 2^{bits}, got {decimal}")
    return value.to_bytes(bits // 8, "big")


def record(event) -> bytes:
    """The record one relay.wire.ChainEvent contributes. Raises AccumulatorError naming the
    field when the event is not one the vault could emit."""
    body = event.WhichOneof("body")
    if body == "deposit":
        d = event.deposit
        return (b"\x01" + _fixed(d.token, 20, "deposit.token")
                + _fixed(d.account, 32, "deposit.account")
                + _uint(d.amount, 256, "deposit.amount"))
    if body == "withdrawal_request":
        w = event.withdrawal_request
        asset = w.asset.encode("utf-8")
        if not 1 <= len(asset) <= 32:
            raise AccumulatorError(
                f"withdrawal_request.asset: must be 1 to 32 bytes, got {len(asset)}")
        return (b"\x02" + _fixed(w.account, 32, "withdrawal_request.account")
                + _uint(w.amount, 128, "withdrawal_request.amount")
                + w.dest_chain_id.to_bytes(8, "big")
                + _fixed(w.recipient, 20, "withdrawal_request.recipient")
                + bytes([len(asset)]) + asset)
    if body == "withdrawal_claimed":
        return b"\x03" + _fixed(event.withdrawal_claimed.withdrawal_id, 32,
                                "withdrawal_claimed.withdrawal_id")
    raise AccumulatorError("body: missing (deposit, withdrawal_request or withdrawal_claimed)")


class Accumulator:
    """The vault's (count, accumulator) pair: both zero before the first event."""

    def __init__(self, count: int = 0, value: bytes = ZERO32):
        if len(value) != 32:
            raise AccumulatorError(f"accumulator: must be 32 bytes, got {len(value)}")
        self.count = count
        self.value = value

    def add(self, event) -> None:
        """Folds one ChainEvent (unchanged on error)."""
        if self.count >= MAX_COUNT:
            raise AccumulatorError("event count: at 2^64 - 1, cannot add an event")
        self.value = keccak256(self.value + record(event))
        self.count += 1

    def copy(self) -> "Accumulator":
        return Accumulator(self.count, self.value)

    def __eq__(self, other) -> bool:
        return (self.count, self.value) == (other.count, other.value)

    def __repr__(self) -> str:
        return f"(count {self.count}, accumulator 0x{self.value.hex()})"
