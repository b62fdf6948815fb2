"""Finds the Python module protoc generates from proto/relay.proto (relay_pb2), which is never
committed: the build makes it (proto/CMakeLists.txt, `protoc --python_out=build/python`).

Looked for, in order: the folder given (--proto-dir), $RELAY_PROTO_PY, and this checkout's
build/python.
"""

import importlib
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(_HERE, "..", "..", "..", "build", "python"))


class ProtoNotFound(RuntimeError):
    pass


def load(proto_dir=None):
    """Imports and returns relay_pb2. Raises ProtoNotFound saying how to generate it."""
    folder = proto_dir or os.environ.get("RELAY_PROTO_PY") or DEFAULT_DIR
    if not os.path.isfile(os.path.join(folder, "relay_pb2.py")):
        raise ProtoNotFound(
            f"relay_pb2.py not found in {folder}: build it (cmake --build build --target "
            f"relay_proto_python) or run `protoc --python_out=DIR -I proto proto/relay.proto` "
            f"and pass --proto-dir DIR")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("relay_pb2")
