"""The rules conformance.py checks (docs/adapter-protocol.md "The conformance test"), the
report of what held, and the checker of one session's Blocks stream.

A rule PASSes when it was observed to hold at least once and never failed, FAILs on its first
violation (the report keeps the first detail and counts the rest), and is NOT CHECKED when the
run never reached a point that could test it, which fails the run too. An optional rule that
was not exercised is SKIPped and does not fail the run.
"""

from relay_accumulator import Accumulator, AccumulatorError

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
MAX_HEADERS = 10_000
MAX_EVENTS = 100_000

# (id, what it checks, optional)
RULES = [
    ("hello-first", "every session starts with Hello, and no Blocks come before its Resume",
     False),
    ("hello-fields", "Hello carries protocol_version 1, the genesis network id and chain id",
     False),
    ("message-shape", "each message is one frame holding one AdapterMessage of at most 16 MiB, "
                      "with 1..10000 headers, at most 100000 events, 32-byte hashes", False),
    ("enough-data", "the adapter served at least --blocks blocks holding at least one event "
                    "(needed to check the rules below)", False),
    ("seq", "Blocks seq is 1 first in every session, then +1", False),
    ("window", "never more than --window Blocks unacknowledged", False),
    ("resume-start", "a session's first block is Resume's next_height, naming tip_hash as "
                     "parent", False),
    ("consecutive", "each next block is height + 1 naming the previous hash, across messages",
     False),
    ("timestamps", "block timestamps do not decrease", False),
    ("events", "events lie in their message's blocks, on the served chain, in (block, log "
               "index) order, and are well formed", False),
    ("accumulator", "each header's event_count and accumulator are the fold of the events "
                    "from Resume's values (docs/node.md eventState)", False),
    ("stable", "a block sent again in a later session is the same block with the same events",
     False),
    ("rehello", "after an Error the adapter says Hello again and resumes where told", False),
    ("malformed-node-message", "malformed NodeMessages do not stop the adapter", False),
    ("publish-report", "a PublishRequest is answered with a PublishReport for its epoch "
                       "(optional unless --require-publish-report)", True),
    ("sigterm", "the adapter exits promptly on SIGTERM (status 0, or killed by SIGTERM)",
     False),
]


class Report:
    def __init__(self, require_publish_report=False):
        self.passes = {r[0]: 0 for r in RULES}
        self.fails = {r[0]: [] for r in RULES}
        self.notes = {r[0]: [] for r in RULES}
        self.optional = {r[0] for r in RULES if r[2]}
        if require_publish_report:
            self.optional.discard("publish-report")

    def ok(self, rule, note=None):
        self.passes[rule] += 1
        if note:
            self.notes[rule].append(note)

    def fail(self, rule, detail):
        self.fails[rule].append(detail)

    def note(self, rule, note):
        self.notes[rule].append(note)

    def status(self, rule):
        if self.fails[rule]:
            return "FAIL"
        if self.passes[rule]:
            return "PASS"
        return "SKIP" if rule in self.optional else "NOT CHECKED"

    def failed(self):
        return [r[0] for r in RULES if self.status(r[0]) in ("FAIL", "NOT CHECKED")]

    def lines(self):
        out = []
        for rule, what, _ in RULES:
            st = self.status(rule)
            if st == "FAIL":
                more = len(self.fails[rule]) - 1
                detail = self.fails[rule][0] + (f" (and {more} more)" if more else "")
            elif self.notes[rule]:
                detail = self.notes[rule][-1]
            else:
                detail = what
            if st == "PASS":
                detail += f" [{self.passes[rule]}]"
            out.append(f"{st:<11} {rule:<22} {detail}")
        return out


def _h(b):
    return "0x" + b.hex()


class SessionChecker:
    """Checks the Blocks of one session as they come, against the Resume that opened it.
    `seen` (height -> (header bytes, [event bytes])) is shared by the sessions of a run."""

    def __init__(self, report, pb, chain_id, resume, window, number, seen, tip_timestamp=None):
        self.r = report
        self.pb = pb
        self.chain_id = chain_id
        self.resume = resume
        self.window = window
        self.name = f"session {number}"
        self.seen = seen
        self.expect_seq = 1
        self.next_height = resume.next_height
        self.prev_hash = resume.tip_hash if resume.has_tip else None
        self.prev_ts = tip_timestamp
        self.tip = resume.next_height - 1 if resume.has_tip else None
        self.last_pos = None  # (block, log index) of the last event of this session
        self.acc = Accumulator(resume.event_count,
                               resume.accumulator if resume.has_tip else bytes(32))
        self.first = True
        self.unacked = []  # (seq, last height, last hash)
        self.headers = []  # every header received, in order
        self.folds = {}  # height -> the recomputed (count, accumulator) after that block
        self.events = 0

    def on_blocks(self, b):
        """Checks one Blocks; returns (seq, last height, last hash) for its Ack, or None when
        it has no header."""
        where = f"{self.name}, Blocks seq {b.seq}"
        if not self._shape(b, where):
            return None
        if b.seq != self.expect_seq:
            self.r.fail("seq", f"{where}: expected seq {self.expect_seq}, got {b.seq}")
        else:
            self.r.ok("seq")
        self.expect_seq = b.seq + 1
        if len(self.unacked) + 1 > self.window:
            self.r.fail("window", f"{where}: {len(self.unacked) + 1} Blocks unacknowledged, "
                                  f"the window is {self.window}")
        heights = {h.height for h in b.headers}
        self._events(b, where, heights)
        by_block = {}
        for e in b.events:
            by_block.setdefault(e.position.block, []).append(e)
        for h in b.headers:
            self._header(h, by_block.get(h.height, []), where)
        last = b.headers[-1]
        self.unacked.append((b.seq, last.height, last.hash))
        return (b.seq, last.height, last.hash)

    def acked(self, seq):
        self.unacked = [u for u in self.unacked if u[0] > seq]

    def _shape(self, b, where):
        problems = []
        if not b.headers:
            problems.append("no header")
        if len(b.headers) > MAX_HEADERS:
            problems.append(f"{len(b.headers)} headers (at most {MAX_HEADERS})")
        if len(b.events) > MAX_EVENTS:
            problems.append(f"{len(b.events)} events (at most {MAX_EVENTS})")
        for i, h in enumerate(b.headers):
            for name in ("hash", "parent_hash", "accumulator"):
                if len(getattr(h, name)) != 32:
                    problems.append(f"headers[{i}].{name} is {len(getattr(h, name))} bytes")
        if problems:
            self.r.fail("message-shape", f"{where}: " + "; ".join(problems))
            return bool(b.headers) and all(len(h.hash) == 32 for h in b.headers)
        return True

    def _events(self, b, where, heights):
        ok = True
        for i, e in enumerate(b.events):
            p = e.position
            pos = (p.block, p.log_index)
            if p.chain_id != self.chain_id:
                self.r.fail("events", f"{where}: events[{i}] names chain {p.chain_id}, the "
                                      f"served chain is {self.chain_id}")
                ok = False
            if p.block not in heights:
                self.r.fail("events", f"{where}: events[{i}] at block {p.block} is outside this "
                                      f"message's blocks {min(heights)}..{max(heights)}")
                ok = False
            if self.tip is not None and p.block <= self.tip:
                self.r.fail("events", f"{where}: events[{i}] at block {p.block} is not after "
                                      f"Resume's tip (block {self.tip})")
                ok = False
            elif self.last_pos is not None and pos <= self.last_pos:
                self.r.fail("events", f"{where}: events[{i}] at (block {p.block}, log index "
                                      f"{p.log_index}) does not come after (block "
                                      f"{self.last_pos[0]}, log index {self.last_pos[1]})")
                ok = False
            if len(p.tx_hash) not in (0, 32):
                self.r.fail("events", f"{where}: events[{i}].position.tx_hash is "
                                      f"{len(p.tx_hash)} bytes")
                ok = False
            self.last_pos = pos if self.last_pos is None else max(pos, self.last_pos)
        self.events += len(b.events)
        if ok and b.events:
            self.r.ok("events")

    def _header(self, h, events, where):
        at = f"{where}, block {h.height}"
        if self.first:
            self.first = False
            want_parent = self.resume.tip_hash if self.resume.has_tip else None
            if h.height != self.resume.next_height:
                self.r.fail("resume-start", f"{at}: the first block must be Resume's "
                                            f"next_height {self.resume.next_height}")
            elif want_parent is not None and h.parent_hash != want_parent:
                self.r.fail("resume-start", f"{at}: the first block's parent must be Resume's "
                                            f"tip_hash {_h(want_parent)}, got {_h(h.parent_hash)}")
            else:
                self.r.ok("resume-start")
        else:
            if h.height != self.next_height:
                self.r.fail("consecutive", f"{at}: expected block {self.next_height}")
            elif h.parent_hash != self.prev_hash:
                self.r.fail("consecutive", f"{at}: parent {_h(h.parent_hash)} is not block "
                                           f"{h.height - 1}'s hash {_h(self.prev_hash)}")
            else:
                self.r.ok("consecutive")
        if self.prev_ts is not None and h.timestamp < self.prev_ts:
            self.r.fail("timestamps", f"{at}: timestamp {h.timestamp} is older than the "
                                      f"previous block's {self.prev_ts}")
        elif self.prev_ts is not None:
            self.r.ok("timestamps")
        self._fold(h, events, at)
        self._stable(h, events, at)
        self.next_height, self.prev_hash, self.prev_ts = h.height + 1, h.hash, h.timestamp
        self.headers.append(h)

    def _fold(self, h, events, at):
        # The fold continues from its own values, never from a header's: what a node stores
        # and resumes from is its own fold.
        after = self.acc.copy()
        try:
            for e in events:
                after.add(e)
        except AccumulatorError as e:
            self.r.fail("events", f"{at}: an event the vault cannot emit: {e}")
            return
        self.acc = after
        self.folds[h.height] = (after.count, after.value)
        if (h.event_count, h.accumulator) != (after.count, after.value):
            self.r.fail("accumulator", f"{at}: the header says (count {h.event_count}, "
                                       f"{_h(h.accumulator)}); the events fold to {after}")
        elif events:
            self.r.ok("accumulator")

    def _stable(self, h, events, at):
        mine = (h.SerializeToString(deterministic=True),
                [e.SerializeToString(deterministic=True) for e in events])
        before = self.seen.get(h.height)
        if before is None:
            self.seen[h.height] = mine
        elif before != mine:
            what = "header differs" if before[0] != mine[0] else "events differ"
            self.r.fail("stable", f"{at}: its {what} from an earlier session's")
        else:
            self.r.ok("stable")
