"""The node's side of the conversation with the adapter under test: a small model of relayd's
adapter endpoint (docs/adapter-protocol.md) that checks every message as it comes.

It keeps a store (the blocks it acknowledged, in order) and sessions keyed by routing id.
A Hello opens a session and is answered with a Resume: the store's tip, or the one a phase of
the scenario asks for. Blocks are checked (conformance_checks.SessionChecker) and acknowledged
when the phase says so; after the node sends an Error, that session's messages are discarded
unanswered until the adapter's next Hello, exactly as the node does.
"""

import time

from conformance_checks import MAX_MESSAGE_BYTES, SessionChecker
from conformance_node import describe_status


class AdapterGone(Exception):
    pass


class Conversation:
    def __init__(self, node, adapter, report, pb, genesis, chain, window, log):
        self.node = node
        self.adapter = adapter
        self.r = report
        self.pb = pb
        self.genesis = genesis
        self.chain = chain
        self.window = window
        self.log = log
        self.store = []  # headers acknowledged, consecutive from the chain's start block
        self.folds = {}  # height -> (count, accumulator) recomputed from the events (a node
        #                   resumes from its own fold, never from what an adapter claimed)
        self.seen = {}  # height -> what was received first (the "stable" rule)
        self.session = None  # the current session's SessionChecker
        self.rid = None  # its routing id
        self.resumed = False
        self.discarding = set()  # routing ids whose session ended with an Error
        self.sessions = 0
        self.next_resume = None  # a Resume the scenario wants for the next Hello
        self.hellos = 0
        self.reports = []  # PublishReports received
        self.alarms = []
        self.ack = True  # acknowledge Blocks as they come
        self.hold_resume = False  # keep the next Resume until release_resume()
        self.pending_resume = None
        self.refuse_next = None  # an Error to answer the next Blocks with

    # ---- the store ---------------------------------------------------------------------------

    def tip_resume(self):
        if not self.store:
            return self.pb.Resume(has_tip=False, next_height=self.chain.start_block)
        h, (count, acc) = self.store[-1], self.folds[self.store[-1].height]
        return self.pb.Resume(has_tip=True, next_height=h.height + 1, tip_hash=h.hash,
                              event_count=count, accumulator=acc)

    def truncate_store(self, height):
        self.store = [h for h in self.store if h.height <= height]

    # ---- receiving ---------------------------------------------------------------------------

    def check_alive(self):
        code = self.adapter.exit_code()
        if code is not None:
            raise AdapterGone(f"the adapter stopped ({describe_status(code)})")

    def pump(self, until=None, timeout=10.0, quiet=None):
        """Handles messages until until() holds ("done"), nothing came for `quiet` seconds
        ("quiet"), or `timeout` seconds passed ("timeout"). Raises AdapterGone when the
        adapter's process has exited."""
        deadline = time.monotonic() + timeout
        last = time.monotonic()  # when the last message came (or the pump started)
        while True:
            if until is not None and until():
                return "done"
            now = time.monotonic()
            if quiet is not None and now - last >= quiet:
                return "quiet"
            if now >= deadline:
                self.check_alive()
                return "timeout"
            got = self.node.recv(min(deadline - now, 0.25))
            if got is None:
                self.check_alive()
                continue
            last = time.monotonic()
            self._handle(*got)

    def _handle(self, rid, frames):
        if len(frames) != 1:
            self.r.fail("message-shape", f"a message of {len(frames)} frames (must be 1)")
            return
        body = frames[0]
        if len(body) > MAX_MESSAGE_BYTES:
            self.r.fail("message-shape", f"a message of {len(body)} bytes (at most 16 MiB)")
        try:
            m = self.pb.AdapterMessage.FromString(body)
        except Exception as e:  # the protobuf runtime's DecodeError
            self.r.fail("message-shape", f"{len(body)} bytes that are not an AdapterMessage "
                                         f"({e})")
            return
        kind = m.WhichOneof("body")
        if kind is None:
            self.r.fail("message-shape", "an AdapterMessage with no body")
            return
        self.r.ok("message-shape")
        if kind == "hello":
            self._hello(rid, m.hello)
            return
        if rid in self.discarding:
            return  # after an Error: discarded unanswered until the next Hello
        if rid != self.rid:
            self.r.fail("hello-first", f"a {kind} on a connection that has not said Hello")
            return
        if kind == "blocks":
            self._blocks(rid, m.blocks)
        elif kind == "publish_report":
            self.reports.append(m.publish_report)
        elif kind == "alarm":
            if not m.alarm.kind:
                self.r.fail("message-shape", "an AdapterAlarm with an empty kind")
            self.alarms.append(m.alarm)
            self.log(f"adapter alarm {m.alarm.kind!r}{' cleared' if m.alarm.cleared else ''}: "
                     f"{m.alarm.message}")

    def _hello(self, rid, h):
        self.hellos += 1
        problems = []
        if h.protocol_version != 1:
            problems.append(f"protocol_version {h.protocol_version}, expected 1")
        if h.network_id != self.genesis.network_id:
            problems.append(f"network_id 0x{h.network_id.hex()}, expected the genesis's "
                            f"0x{self.genesis.network_id.hex()}")
        if h.chain_id != self.chain.chain_id:
            problems.append(f"chain_id {h.chain_id}, expected {self.chain.name}'s "
                            f"{self.chain.chain_id}")
        if problems:
            self.r.fail("hello-fields", f"Hello {self.hellos}: " + "; ".join(problems))
        else:
            self.r.ok("hello-fields")
        if self.rid is not None and self.rid != rid:
            self.discarding.add(self.rid)  # a new connection replaces the old one
        self.discarding.discard(rid)
        self.rid = rid
        resume = self.next_resume or self.tip_resume()
        self.next_resume = None
        self.sessions += 1
        tip_ts = None
        if resume.has_tip:
            for s in self.store:
                if s.height == resume.next_height - 1:
                    tip_ts = s.timestamp
        self.session = SessionChecker(self.r, self.pb, self.chain.chain_id, resume, self.window,
                                      self.sessions, self.seen, tip_ts)
        self.pending_resume = resume
        if not self.hold_resume:
            self.release_resume()
        self.r.ok("hello-first")
        self.log(f"session {self.sessions}: Hello from {h.adapter_name or '(no name)'} "
                 f"{h.adapter_version}; Resume at {resume.next_height}"
                 f"{' (tip)' if resume.has_tip else ' (no tip)'}")

    def release_resume(self):
        if self.pending_resume is not None:
            self.node.send(self.rid, [self.pb.NodeMessage(
                resume=self.pending_resume).SerializeToString()])
            self.pending_resume = None

    def _blocks(self, rid, b):
        if self.pending_resume is not None:
            self.r.fail("hello-first", f"session {self.sessions}: a Blocks (seq {b.seq}) before "
                                       f"the node answered the Hello")
            return
        s = self.session
        acked = s.on_blocks(b)
        if acked is None:
            return
        if self.refuse_next is not None:
            code, message = self.refuse_next
            self.refuse_next = None
            self.send_error(code, message)
            return
        self.store_headers(b.headers)
        if self.ack:
            self.send_ack(*acked)

    def store_headers(self, headers):
        for h in headers:
            if h.height not in self.session.folds:
                continue  # an event the vault cannot emit: not stored
            if not self.store or h.height == self.store[-1].height + 1:
                self.store.append(h)
                self.folds[h.height] = self.session.folds[h.height]

    # ---- sending -----------------------------------------------------------------------------

    def send_ack(self, seq, height, block_hash):
        self.session.acked(seq)
        self.node.send(self.rid, [self.pb.NodeMessage(
            ack=self.pb.Ack(seq=seq, height=height, block_hash=block_hash)).SerializeToString()])

    def ack_all(self):
        """One cumulative Ack for everything outstanding in the current session."""
        if self.session and self.session.unacked:
            self.send_ack(*self.session.unacked[-1])

    def send_error(self, code, message):
        self.node.send(self.rid, [self.pb.NodeMessage(
            error=self.pb.Error(code=code, message=message)).SerializeToString()])
        self.discarding.add(self.rid)
        self.session = None

    def send_raw(self, frames):
        return self.node.send(self.rid, frames)
