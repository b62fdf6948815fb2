"""What an adapter needs from the network's genesis file (docs/node.md "Genesis additions"):
the network id (SHA-256 of the file's exact bytes) and the chains' names, chain ids, start
blocks and vault addresses. The node validates the genesis in full; this reads only those
fields and refuses a file where they are missing or of the wrong type, naming the field.
"""

import hashlib
import json
from dataclasses import dataclass


class GenesisError(ValueError):
    pass


@dataclass(frozen=True)
class Chain:
    name: str
    chain_id: int
    start_block: int
    vault: str  # "0x" and 40 hex digits as the genesis has it ("" when absent)


@dataclass(frozen=True)
class Genesis:
    path: str
    network_id: bytes  # 32 bytes
    chains: tuple  # of Chain, in genesis order

    def chain(self, name: str) -> Chain:
        for c in self.chains:
            if c.name == name:
                return c
        known = ", ".join(c.name for c in self.chains)
        raise GenesisError(f"{self.path}: no chain named {name!r} (chains: {known})")

    def chain_id_of(self, dest: str):
        """The chain id a withdrawal's destination names: a genesis chain's name, or
        "chain_id:<n>" (n in decimal without leading zeros, below 2^64) for a chain the genesis
        does not know (wire/wire.h's spelling). None when it is neither."""
        for c in self.chains:
            if c.name == dest:
                return c.chain_id
        prefix = "chain_id:"
        if dest.startswith(prefix):
            digits = dest[len(prefix):]
            if digits.isascii() and digits.isdigit() and str(int(digits)) == digits \
                    and int(digits) < 2**64:
                return int(digits)
        return None


def _uint(value, field, path):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**64:
        raise GenesisError(f"{path}: {field}: must be an integer from 0 to 2^64 - 1")
    return value


def load(path: str) -> Genesis:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise GenesisError(f"{path}: cannot read: {e.strerror}") from None
    try:
        doc = json.loads(raw)
    except ValueError as e:
        raise GenesisError(f"{path}: not JSON: {e}") from None
    chains = doc.get("chains") if isinstance(doc, dict) else None
    if not isinstance(chains, list):
        raise GenesisError(f"{path}: chains: missing or not a list")
    out = []
    for i, c in enumerate(chains):
        if not isinstance(c, dict) or not isinstance(c.get("name"), str):
            raise GenesisError(f"{path}: chains[{i}].name: missing or not a string")
        vault = c.get("vault", "")
        if not isinstance(vault, str):
            raise GenesisError(f"{path}: chains[{i}].vault: not a string")
        out.append(Chain(c["name"], _uint(c.get("chain_id"), f"chains[{i}].chain_id", path),
                         _uint(c.get("start_block", 0), f"chains[{i}].start_block", path), vault))
    return Genesis(path, hashlib.sha256(raw).digest(), tuple(out))
