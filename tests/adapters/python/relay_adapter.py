"""The adapter side of the adapter protocol (docs/adapter-protocol.md) for a chain whose final
blocks are in a ChainFile: one DEALER connected to the node's ROUTER, Hello -> Resume, Blocks
numbered from 1 with at most `window` unacknowledged, Acks, Errors (Hello again on a fresh
connection), PublishRequests. It keeps no state the node cannot rebuild: every session starts
from the node's Resume (height, tip hash, count and accumulator).

One thread; run() returns an exit code. stop() (from a signal handler, through the wakeup fd
run() polls) ends it at the next turn of the loop.
"""

import logging
import os
import time

import zmq

from relay_accumulator import Accumulator, AccumulatorError
from relay_chain_file import ChainFileError

PROTOCOL_VERSION = 1
ADAPTER_NAME = "relay-file-adapter"
ADAPTER_VERSION = "0.1.0"
MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # the protocol's limits (proto/relay.proto)
MAX_HEADERS = 10_000
MAX_EVENTS = 100_000

EXIT_OK, EXIT_CONFIG, EXIT_DATA = 0, 2, 3
# Errors that no retry fixes: the adapter is pointed at the wrong node, chain or version.
_FATAL_CODES = {"WRONG_NETWORK", "WRONG_CHAIN", "UNSUPPORTED_VERSION"}
# Errors after which the node raises an alarm; the adapter raises its own once resumed.
_ALARM_OF_CODE = {"CONFLICT": "reorg", "ACCUMULATOR_MISMATCH": "accumulator_mismatch",
                  "TIMESTAMP_DECREASED": "timestamp_decreased"}

log = logging.getLogger("file_adapter")


class Fatal(Exception):
    """Stops the adapter: `code` is the exit code, `alarm` an (kind, message) to raise first."""

    def __init__(self, code, message, alarm=None):
        super().__init__(message)
        self.code = code
        self.alarm = alarm


def _varint_len(n):
    size = 1
    while n >= 0x80:
        n >>= 7
        size += 1
    return size


def _field_len(payload_len):
    """Bytes a length-delimited field of this payload takes (tag 1 byte, field numbers < 16)."""
    return 1 + _varint_len(payload_len) + payload_len


class Options:
    """What run() needs, as file_adapter.py's command line gives it."""
    endpoint = ""
    curve = None  # (server_public_z85, own_public_z85, own_secret_z85) for tcp
    window = 8
    max_headers = 1000
    max_events = 10_000
    max_bytes = 4 * 1024 * 1024
    hello_timeout = 5.0
    ack_timeout = 30.0
    follow = False
    follow_interval = 0.2
    answer_publish = False
    breaks = frozenset()  # deliberate protocol violations, for the conformance test's own tests


class Adapter:
    def __init__(self, options, genesis, chain_file, pb):
        self.o = options
        self.genesis = genesis
        self.file = chain_file
        self.chain = chain_file.chain
        self.pb = pb
        self.ctx = zmq.Context()
        self.sock = None
        self._stopping = False
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.state = "backoff"  # backoff -> hello_wait -> streaming
        self.deadline = 0.0  # of the state: backoff's end, or the Hello's answer
        self.errors_in_row = 0
        self.pending_alarms = []  # raised once the next session is resumed
        self.sent_messages = 0  # over the process's life (for --break skip-seq)
        self.next_follow = 0.0

    # ---- life cycle -------------------------------------------------------------------------

    def wakeup_fd(self):
        """The fd to hand to signal.set_wakeup_fd, so that a signal wakes the poll."""
        return self._wake_w

    def stop(self):
        self._stopping = True

    def run(self):
        try:
            return self._loop()
        except Fatal as f:
            log.error("%s", f)
            if f.alarm and self.state == "streaming":
                self._send_alarm(*f.alarm)
            self._close(linger_ms=1000 if f.alarm else 0)
            return f.code
        finally:
            self._close(0)
            self.ctx.term()

    def _loop(self):
        while not self._stopping:
            now = time.monotonic()
            if self.state == "backoff" and now >= self.deadline:
                self._hello()
            elif self.state == "hello_wait" and now >= self.deadline:
                log.warning("no answer to Hello from %s within %.1f s: trying a new connection",
                            self.o.endpoint, self.o.hello_timeout)
                self._hello()
            elif self.state == "streaming":
                self._stream(now)
            self._wait(self._next_deadline())
        log.info("stopping (signal)")
        return EXIT_OK

    def _next_deadline(self):
        if self.state != "streaming":
            return self.deadline
        if len(self.unacked) < self._window() and self.file.index_of(self.next_height) is not None:
            return time.monotonic()  # something to send: do not wait
        d = time.monotonic() + 3600
        if self.unacked:
            d = min(d, self.ack_progress + self.o.ack_timeout)
        if self.o.follow:
            d = min(d, self.next_follow)
        return d

    def _wait(self, deadline):
        poller = zmq.Poller()
        poller.register(self._wake_r, zmq.POLLIN)
        if self.sock is not None:
            poller.register(self.sock, zmq.POLLIN)
        timeout_ms = max(0, int((deadline - time.monotonic()) * 1000) + 1)
        ready = dict(poller.poll(timeout_ms))
        if self._wake_r in ready:
            try:
                os.read(self._wake_r, 512)
            except BlockingIOError:
                pass
        while self.sock is not None and not self._stopping:
            try:
                frames = self.sock.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            self._handle(frames)

    def _close(self, linger_ms):
        if self.sock is not None:
            self.sock.close(linger=linger_ms)
            self.sock = None

    # ---- sessions ---------------------------------------------------------------------------

    def _hello(self):
        """A fresh connection and a Hello (docs/adapter-protocol.md "Error": no answer to an old
        session's message can then be mistaken for one of the new)."""
        self._close(0)
        s = self.ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        if self.o.curve:
            server, public, secret = self.o.curve
            s.curve_serverkey, s.curve_publickey, s.curve_secretkey = server, public, secret
        s.connect(self.o.endpoint)
        self.sock = s
        m = self.pb.AdapterMessage()
        h = m.hello
        h.protocol_version = PROTOCOL_VERSION
        h.network_id = self.genesis.network_id
        h.chain_id = self.chain.chain_id
        h.adapter_name = ADAPTER_NAME
        h.adapter_version = ADAPTER_VERSION
        self._send(m)
        self.state = "hello_wait"
        self.deadline = time.monotonic() + self.o.hello_timeout
        log.info("Hello sent to %s (chain %s, id %d)", self.o.endpoint, self.chain.name,
                 self.chain.chain_id)
        if "no-wait-for-resume" in self.o.breaks and self.file.blocks:
            self._resume(self.pb.Resume(has_tip=False, next_height=self.file.blocks[0].height))

    def _resume(self, r):
        if "ignore-resume" in self.o.breaks and self.file.blocks:
            r = self.pb.Resume(has_tip=False, next_height=self.file.blocks[0].height)
        if r.has_tip and (len(r.tip_hash) != 32 or len(r.accumulator) != 32 or r.next_height == 0):
            # A node bug: log it and try again later, as for any malformed message.
            log.error("a malformed Resume (with a tip: next_height above 0, 32-byte tip_hash and "
                      "accumulator; got %d, %d and %d bytes): saying Hello again",
                      r.next_height, len(r.tip_hash), len(r.accumulator))
            self._backoff()
            return
        self.state = "streaming"
        self.seq = 0
        self.unacked = []  # (seq, last height, last hash)
        self.ack_progress = time.monotonic()
        self.next_height = r.next_height
        self.prev_hash = r.tip_hash if r.has_tip else None
        self.acc = Accumulator(r.event_count, r.accumulator if r.has_tip else bytes(32))
        log.info("Resume: next height %d%s, event count %d", r.next_height,
                 f", tip 0x{r.tip_hash.hex()}" if r.has_tip else " (no tip)", r.event_count)
        if r.has_tip:
            self._check_tip(r)
        for kind, message in self.pending_alarms:
            self._send_alarm(kind, message)
        self.pending_alarms = []

    def _check_tip(self, r):
        """The node's tip must be the file's block (or the file's first block's parent)."""
        tip = r.next_height - 1
        i = self.file.index_of(tip)
        if i is not None:
            b = self.file.blocks[i]
            if b.hash != r.tip_hash:
                raise Fatal(EXIT_DATA, f"the node's tip, block {tip}, is 0x{r.tip_hash.hex()}; "
                            f"the file ({self.file.path}:{b.line}) has 0x{b.hash.hex()}: the "
                            f"file is another chain or fork than the node stored",
                            alarm=("reorg", f"block {tip}: node has 0x{r.tip_hash.hex()}, "
                                            f"file has 0x{b.hash.hex()}"))
            if b.vault_state and b.vault_state != (r.event_count, r.accumulator):
                raise Fatal(EXIT_DATA, f"block {tip}: the node's event count and accumulator "
                            f"({r.event_count}, 0x{r.accumulator.hex()}) are not the file's "
                            f"({b.vault_state[0]}, 0x{b.vault_state[1].hex()})",
                            alarm=("accumulator_mismatch", f"block {tip}: node and file differ"))
        elif self.file.blocks and self.file.blocks[-1].height < tip:
            log.info("the node is ahead of the file (tip %d, file ends at %d): nothing to send",
                     tip, self.file.blocks[-1].height)

    # ---- sending ----------------------------------------------------------------------------

    def _stream(self, now):
        if self.o.follow and now >= self.next_follow:
            self.next_follow = now + self.o.follow_interval
            self._read_file()
        while self.state == "streaming" and len(self.unacked) < self._window() \
                and self._send_blocks():
            pass
        if self.state == "streaming" and self.unacked \
                and now >= self.ack_progress + self.o.ack_timeout:
            log.warning("no Ack for %g s with %d Blocks outstanding: saying Hello again",
                        self.o.ack_timeout, len(self.unacked))
            self._hello()

    def _window(self):
        return float("inf") if "ignore-window" in self.o.breaks else self.o.window

    def _read_file(self):
        try:
            added = self.file.read_more()
        except ChainFileError as e:
            raise Fatal(EXIT_DATA, str(e))
        if added:
            for b in self.file.blocks[-added:]:
                for w in b.warnings:
                    log.warning("%s", w)
            log.debug("%d new blocks in %s", added, self.file.path)

    def _send_blocks(self):
        """Sends one Blocks from next_height on, if the file has that block; returns whether
        it sent."""
        i = self.file.index_of(self.next_height)
        if i is None:
            first = self.file.blocks[0].height if self.file.blocks else None
            if first is not None and first > self.next_height:
                raise Fatal(EXIT_DATA, f"the node resumes at block {self.next_height}, but "
                            f"{self.file.path} starts at block {first}")
            return False
        m = self.pb.AdapterMessage()
        msg = m.blocks
        size, events = 16, 0  # seq and the outer field
        acc, prev = self.acc, self.prev_hash
        for b in self.file.blocks[i:]:
            if prev is not None and b.parent_hash != prev:
                raise Fatal(EXIT_DATA, f"block {b.height} ({self.file.path}:{b.line}) names "
                            f"parent 0x{b.parent_hash.hex()}, the node's block {b.height - 1} "
                            f"is 0x{prev.hex()}", alarm=("reorg", f"block {b.height - 1} differs"))
            after = acc.copy()
            try:
                for e in b.events:
                    after.add(e)
            except AccumulatorError as e:
                raise Fatal(EXIT_DATA, f"{self.file.path}:{b.line}: {e}")
            if b.vault_state and b.vault_state != (after.count, after.value):
                raise Fatal(EXIT_DATA, f"{self.file.path}:{b.line}: block {b.height}: the "
                            f"file's eventState ({b.vault_state[0]}, 0x{b.vault_state[1].hex()})"
                            f" is not the fold of the events {after}",
                            alarm=("accumulator_mismatch", f"block {b.height}: eventState "
                                   f"({b.vault_state[0]}, 0x{b.vault_state[1].hex()}), events "
                                   f"{after}"))
            h = self.pb.BlockHeader(height=b.height, hash=b.hash, parent_hash=b.parent_hash,
                                    timestamp=b.timestamp, event_count=after.count,
                                    accumulator=after.value)
            block_size = _field_len(h.ByteSize()) + sum(_field_len(e.ByteSize())
                                                        for e in b.events)
            if msg.headers and (len(msg.headers) >= self.o.max_headers
                                or events + len(b.events) > self.o.max_events
                                or size + block_size > self.o.max_bytes):
                break
            if (len(b.events) > MAX_EVENTS or size + block_size > MAX_MESSAGE_BYTES - 64):
                raise Fatal(EXIT_DATA, f"block {b.height} alone is over the protocol's limits "
                            f"({len(b.events)} events, {block_size} bytes)")
            msg.headers.append(h)
            msg.events.extend(b.events)
            size, events = size + block_size, events + len(b.events)
            acc, prev = after, b.hash
        self._break_message(msg)
        self.seq += 1
        self.sent_messages += 1
        if "skip-seq" in self.o.breaks and self.sent_messages == 2:
            self.seq += 1
        msg.seq = self.seq
        self._send(m)
        last = msg.headers[-1]
        self.unacked.append((self.seq, last.height, last.hash))
        self.acc, self.prev_hash, self.next_height = acc, prev, last.height + 1
        log.debug("Blocks seq %d: blocks %d..%d, %d events", self.seq, msg.headers[0].height,
                  last.height, len(msg.events))
        return True

    def _break_message(self, msg):
        """--break modes that alter a Blocks (for conformance.py's own tests)."""
        if "bad-accumulator" in self.o.breaks and msg.events:
            h = msg.headers[-1]
            h.accumulator = h.accumulator[:31] + bytes([h.accumulator[31] ^ 1])
        if "unordered-events" in self.o.breaks and len(msg.events) >= 2:
            a, b = msg.events[0], msg.events[1]
            a_copy = self.pb.ChainEvent()
            a_copy.CopyFrom(a)
            a.CopyFrom(b)
            b.CopyFrom(a_copy)

    def _send(self, m):
        try:
            self.sock.send(m.SerializeToString(), zmq.NOBLOCK)
        except zmq.Again:
            log.warning("the send queue to %s is full: saying Hello again", self.o.endpoint)
            self.state, self.deadline = "backoff", time.monotonic() + 1.0

    def _send_alarm(self, kind, message):
        m = self.pb.AdapterMessage()
        m.alarm.kind, m.alarm.message = kind, message
        self._send(m)
        log.warning("alarm %s raised: %s", kind, message)

    # ---- receiving --------------------------------------------------------------------------

    def _handle(self, frames):
        if len(frames) != 1:
            log.warning("a message of %d frames from the node: ignored", len(frames))
            return
        try:
            m = self.pb.NodeMessage.FromString(frames[0])
        except Exception as e:  # the runtime's DecodeError: bytes that are not the schema
            if "crash-on-malformed" in self.o.breaks:
                raise
            log.warning("a message from the node that is not a NodeMessage (%d bytes): ignored"
                        " (%s)", len(frames[0]), e)
            return
        kind = m.WhichOneof("body")
        if kind == "resume":
            if self.state != "hello_wait":
                log.warning("a Resume without a Hello: ignored")
                return
            self._resume(m.resume)
        elif kind == "ack":
            self._ack(m.ack)
        elif kind == "error":
            self._error(m.error)
        elif kind == "publish":
            self._publish(m.publish)
        else:
            log.warning("an empty NodeMessage from the node: ignored")

    def _ack(self, a):
        if self.state != "streaming":
            return
        if not any(seq == a.seq for seq, _, _ in self.unacked):
            log.debug("Ack for seq %d, not one outstanding: ignored", a.seq)
            return
        for seq, height, block_hash in self.unacked:
            if seq == a.seq and (height, block_hash) != (a.height, a.block_hash):
                log.warning("Ack seq %d names block %d 0x%s; that Blocks ended at %d 0x%s",
                            a.seq, a.height, a.block_hash.hex(), height, block_hash.hex())
        self.unacked = [u for u in self.unacked if u[0] > a.seq]
        self.ack_progress = time.monotonic()
        self.errors_in_row = 0
        log.debug("Ack seq %d: stored up to block %d", a.seq, a.height)

    def _error(self, e):
        code = self.pb.ErrorCode.Name(e.code) if e.code in self.pb.ErrorCode.values() \
            else f"code {e.code}"
        log.warning("the node refused: %s: %s", code, e.message)
        if code in _FATAL_CODES:
            raise Fatal(EXIT_CONFIG, f"the node refused this adapter ({code}): {e.message}")
        if "no-rehello" in self.o.breaks:
            return
        if code in _ALARM_OF_CODE:
            self.pending_alarms.append((_ALARM_OF_CODE[code], f"node: {e.message}"))
        if code == "OVERSIZED":
            self.o.max_headers = max(1, self.o.max_headers // 2)
            self.o.max_events = max(1, self.o.max_events // 2)
            self.o.max_bytes = max(4096, self.o.max_bytes // 2)
        self._backoff()

    def _backoff(self):
        """Hello again on a new connection, soon the first time; an error that recurs without
        an Ack in between waits longer (up to 5 s)."""
        self.errors_in_row += 1
        delay = min(5.0, 0.05 * 2 ** (self.errors_in_row - 1))
        self._close(0)
        self.state, self.deadline = "backoff", time.monotonic() + delay

    def _publish(self, p):
        log.info("PublishRequest for epoch %d (this adapter does not publish)", p.epoch)
        if not self.o.answer_publish or self.state != "streaming":
            return
        m = self.pb.AdapterMessage()
        r = m.publish_report
        r.epoch = p.epoch
        r.outcome = self.pb.PublishReport.FAILED
        r.message = "this adapter does not publish"
        self._send(m)
