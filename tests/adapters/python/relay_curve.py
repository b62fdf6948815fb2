"""CURVE key files (docs/adapter-protocol.md "Transport"; wire/curve_key.h is the C++ side):
{"type":"relay-curve-key","version":1,"public_key":"<Z85>","secret_key":"<Z85>"}, mode 0600.
Keys are 32 bytes written as 40 characters of Z85 (ZeroMQ RFC 32). A file that group or others
can access is refused, as the node refuses it, and so are a repeated key and unknown fields
(strict JSON, as wire/curve_key.cpp reads it). Errors never hold the secret key.
"""

import json
import os
import stat

import zmq
from zmq.utils import z85


class CurveKeyError(ValueError):
    pass


def public_key_from_z85(text: str, what: str = "public key") -> bytes:
    """The 40-character Z85 text of a key, checked (returned as the text, bytes)."""
    raw = text.encode("ascii", "replace") if isinstance(text, str) else text
    if len(raw) != 40:
        raise CurveKeyError(f"{what}: must be 40 Z85 characters, got {len(raw)}")
    try:
        if len(z85.decode(raw)) != 32:
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise CurveKeyError(f"{what}: not Z85 text") from None
    return raw


class _Repeated(Exception):
    pass


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise _Repeated(k)
        out[k] = v
    return out


def load_key_file(path: str):
    """Returns (public_z85, secret_z85) as bytes, for zmq's CURVE options."""
    where = f"CURVE key file {path}"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as e:
        raise CurveKeyError(f"{where}: cannot open: {e.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise CurveKeyError(f"{where}: not a regular file")
        if st.st_mode & 0o077:
            raise CurveKeyError(f"{where}: group or others can access it (mode "
                                f"{stat.S_IMODE(st.st_mode):04o}): chmod 600 it")
        text = f.read(4096)
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except _Repeated as e:
        raise CurveKeyError(f"{where}: {e}: repeated key") from None
    except ValueError:  # the message would quote the input: not shown
        raise CurveKeyError(f"{where}: not JSON") from None
    if not isinstance(doc, dict) or doc.get("type") != "relay-curve-key" \
            or doc.get("version") != 1:
        raise CurveKeyError(f"{where}: not a relay-curve-key version 1 file")
    if set(doc) != {"type", "version", "public_key", "secret_key"}:
        raise CurveKeyError(f"{where}: fields must be type, version, public_key, secret_key")
    if not isinstance(doc["public_key"], str) or not isinstance(doc["secret_key"], str):
        raise CurveKeyError(f"{where}: public_key and secret_key must be strings")
    public = public_key_from_z85(doc["public_key"], f"{where}: public_key")
    try:
        secret = public_key_from_z85(doc["secret_key"], "secret_key")
    except CurveKeyError:
        raise CurveKeyError(f"{where}: secret_key: must be 40 Z85 characters") from None
    if zmq.curve_public(secret) != public:
        raise CurveKeyError(f"{where}: public_key is not the secret key's")
    return public, secret


def write_key_file(path: str, public: bytes, secret: bytes) -> None:
    """Creates a key file (mode 0600, never over an existing file)."""
    doc = {"type": "relay-curve-key", "version": 1, "public_key": public.decode(),
           "secret_key": secret.decode()}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f)
        f.write("\n")
