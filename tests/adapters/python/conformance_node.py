"""The node's socket and the adapter's process, for conformance.py.

FakeNode binds a ROUTER as relayd does: over ipc in a scratch folder, or over tcp on 127.0.0.1
as a CURVE server whose ZAP handler admits only the adapter's key (made fresh for the run and
written as a relay CURVE key file, mode 0600). Unlike relayd it sets no ZMQ_MAXMSGSIZE, so that
an oversized message is seen and reported instead of silently dropping the connection.

AdapterProcess starts the adapter command with the endpoint and keys substituted for
{endpoint}, {node_public_key} and {curve_key_file}, and in the environment as RELAY_ENDPOINT,
RELAY_NODE_PUBLIC_KEY and RELAY_CURVE_KEY_FILE; its stdout and stderr go to a log file.
"""

import os
import signal
import subprocess
import time

import zmq
import zmq.auth.thread

import relay_curve


ZAP_DOMAIN = "relay-conformance"


class _AllowOne:
    """pyzmq's ZAP credentials provider: admits one CURVE public key (Z85)."""

    def __init__(self, key):
        self.key = key

    def callback(self, domain, key):
        return key == self.key


class FakeNode:
    def __init__(self, transport, scratch):
        self.ctx = zmq.Context()
        self.auth = None
        self.node_public_key = b""
        self.curve_key_file = ""
        s = self.ctx.socket(zmq.ROUTER)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.ROUTER_MANDATORY, 1)
        if transport == "tcp":
            server_public, server_secret = zmq.curve_keypair()
            adapter_public, adapter_secret = zmq.curve_keypair()
            self.curve_key_file = os.path.join(scratch, "adapter-curve.key")
            relay_curve.write_key_file(self.curve_key_file, adapter_public, adapter_secret)
            self.auth = zmq.auth.thread.ThreadAuthenticator(self.ctx)
            self.auth.start()
            self.auth.configure_curve_callback(ZAP_DOMAIN, _AllowOne(adapter_public))
            s.curve_server = True
            s.curve_secretkey = server_secret
            s.curve_publickey = server_public
            s.zap_domain = ZAP_DOMAIN.encode()
            self.node_public_key = server_public
            s.bind("tcp://127.0.0.1:*")
        else:
            s.bind(f"ipc://{os.path.join(scratch, 'node.ipc')}")
        self.endpoint = s.getsockopt(zmq.LAST_ENDPOINT).decode()
        self.sock = s

    def recv(self, timeout_s):
        """(routing id, [frames]) or None after timeout_s."""
        if not self.sock.poll(max(0, int(timeout_s * 1000))):
            return None
        parts = self.sock.recv_multipart()
        return parts[0], parts[1:]

    def send(self, routing_id, frames):
        """Sends frames to a connection; False when that connection is gone."""
        try:
            self.sock.send_multipart([routing_id] + list(frames), zmq.NOBLOCK)
            return True
        except (zmq.Again, zmq.ZMQError):
            return False

    def close(self):
        self.sock.close(0)
        if self.auth:
            self.auth.stop()
        self.ctx.term()


class AdapterProcess:
    def __init__(self, command, node, scratch):
        values = {"endpoint": node.endpoint,
                  "node_public_key": node.node_public_key.decode(),
                  "curve_key_file": node.curve_key_file}
        self.argv = [a.format(**values) if "{" in a else a for a in command]
        env = dict(os.environ, RELAY_ENDPOINT=values["endpoint"],
                   RELAY_NODE_PUBLIC_KEY=values["node_public_key"],
                   RELAY_CURVE_KEY_FILE=values["curve_key_file"])
        self.log_path = os.path.join(scratch, "adapter.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)

    def exit_code(self):
        """None while running; the exit status (negative: killed by that signal)."""
        return self.proc.poll()

    def terminate(self, timeout_s):
        """SIGTERM, then waits up to timeout_s; returns the status or None if still running."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def tail(self, lines=30):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            text = f.read().decode("utf-8", "replace").splitlines()
        return text[-lines:]


def describe_status(code):
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def monotonic():
    return time.monotonic()
