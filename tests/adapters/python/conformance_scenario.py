"""The phases conformance.py plays against an adapter, in order (docs/adapter-protocol.md "The
conformance test"). Every wait is bounded: `timeout` for what must come, `quiet` for checking
that nothing more comes (the window, the end of the data).

1. First session: Hello, and (after `quiet`, in which nothing may come) Resume without a tip
   at the genesis start block. No Ack until the adapter has `window` Blocks outstanding (or
   stops); then Acks as they come, until `blocks` blocks and one event are stored.
2. Error: the next Blocks (or, if none comes, nothing) is refused with an Error; the adapter
   must say Hello again. It is resumed from a tip in the middle of what it sent (after an event,
   so the count and accumulator carry over), and must send from there again, the same blocks.
3. Malformed NodeMessages (bytes that are not the schema, an empty one, two frames, an Ack for
   a seq never sent, a Resume without Hello); then an Error: the adapter must still be running
   and say Hello again.
4. PublishRequest: a PublishReport for its epoch, if the adapter answers (optional).
5. SIGTERM: the adapter exits.
"""

from conformance_conversation import AdapterGone


class Scenario:
    def __init__(self, conv, report, pb, args, log):
        self.c = conv
        self.r = report
        self.pb = pb
        self.a = args
        self.log = log

    def run(self):
        phases = [self.first_session, self.error_and_resume, self.malformed, self.publish]
        try:
            for phase in phases:
                if not phase():
                    break
        except AdapterGone as e:
            self.log(f"{e}: the rules not yet checked stay NOT CHECKED")
            self._adapter_gone(str(e))
            return
        self.sigterm()

    def _adapter_gone(self, why):
        for rule in ("rehello", "malformed-node-message", "sigterm"):
            if not self.r.passes[rule] and not self.r.fails[rule]:
                self.r.fail(rule, f"not reached: {why}")

    # ---- 1 -----------------------------------------------------------------------------------

    def first_session(self):
        c, a = self.c, self.a
        c.hold_resume = True  # the first Resume waits: nothing may come before it
        if c.pump(until=lambda: c.session is not None, timeout=a.timeout) != "done":
            hint = (" (over tcp a CURVE handshake refused by the keys looks the same: check "
                    "that the adapter uses {node_public_key} and {curve_key_file})"
                    if a.transport == "tcp" else "")
            self.r.fail("hello-first", f"no Hello within {a.timeout:g} s of the start{hint}")
            return False
        c.pump(timeout=a.quiet, quiet=a.quiet)
        c.hold_resume = False
        c.release_resume()
        c.ack = False
        c.pump(until=lambda: len(c.session.unacked) >= a.window, timeout=a.timeout,
               quiet=a.quiet)
        held = len(c.session.unacked)
        if held == 0:
            self.r.fail("enough-data", f"no Blocks within {a.quiet:g} s of Resume")
            return False
        if held >= a.window:
            # The window is full: nothing more may come until an Ack.
            c.pump(timeout=a.quiet, quiet=a.quiet)
            if not self.r.fails["window"]:
                self.r.ok("window", f"stopped at {a.window} Blocks unacknowledged until "
                                    f"the Ack")
        c.ack_all()
        c.ack = True
        more_before = c.session.headers[-1].height
        need = lambda: len(c.store) >= a.blocks and c.session.events > 0  # noqa: E731
        c.pump(until=need, timeout=a.timeout)
        if held < a.window:
            if c.session.headers[-1].height > more_before:
                self.r.ok("window", f"the adapter kept {held} Blocks unacknowledged at most "
                                    f"(its own window, within {a.window})")
            else:
                self.r.note("window", f"not exercised: the adapter sent only {held} Blocks "
                                      f"before waiting; serve more blocks, or fewer per Blocks")
        if not need():
            self.r.fail("enough-data", f"the adapter served {len(c.store)} blocks and "
                                       f"{c.session.events} events; --blocks asks for "
                                       f"{a.blocks} blocks and at least one event")
            return False
        self.r.ok("enough-data", f"{len(c.store)} blocks, {c.session.events} events in the "
                                 f"first session")
        return True

    # ---- 2 -----------------------------------------------------------------------------------

    def _mid_tip(self):
        """A stored block in the middle, moved up to the first one after an event."""
        store = self.c.store
        i = max(0, len(store) // 2 - 1)
        while i < len(store) - 2 and self.c.folds[store[i].height][0] == 0:
            i += 1
        return store[i]

    def error_and_resume(self):
        c, a = self.c, self.a
        hellos = c.hellos
        c.refuse_next = (self.pb.OUT_OF_ORDER, "conformance test: this Blocks is refused on "
                                               "purpose; say Hello again")
        c.pump(until=lambda: c.refuse_next is None, timeout=a.quiet, quiet=a.quiet)
        if c.refuse_next is not None:  # no more Blocks: the data is exhausted
            c.refuse_next = None
            c.send_error(self.pb.HELLO_FIRST, "conformance test: an Error out of the blue; say "
                                              "Hello again")
        last_stored = c.store[-1].height
        tip = self._mid_tip()
        c.truncate_store(tip.height)
        c.next_resume = c.tip_resume()
        self.log(f"Error sent; the next Resume is at block {tip.height + 1} (stored up to "
                 f"{last_stored}), count {c.next_resume.event_count}")
        if c.pump(until=lambda: c.hellos > hellos, timeout=a.timeout) != "done":
            self.r.fail("rehello", f"no Hello within {a.timeout:g} s after an Error")
            return False
        s = c.session
        reached = lambda: s.headers and s.headers[-1].height >= last_stored  # noqa: E731
        if c.pump(until=reached, timeout=a.timeout) != "done":
            self.r.fail("rehello", f"after Hello and Resume at {tip.height + 1}, the adapter did "
                                   f"not send up to block {last_stored} again within "
                                   f"{a.timeout:g} s")
            return False
        if not self.r.fails["resume-start"]:
            self.r.ok("rehello", f"said Hello again and sent from block {tip.height + 1} on, "
                                 f"as resumed")
        return True

    # ---- 3 -----------------------------------------------------------------------------------

    def malformed(self):
        c, a, pb = self.c, self.a, self.pb
        garbage = [
            ("bytes that are not protobuf", [b"\xff\xff\xff\xff"]),
            ("a truncated Resume", [b"\x0a\x05\x08"]),
            ("an empty NodeMessage (no body)", [b""]),
            ("a message of two frames", [pb.NodeMessage(ack=pb.Ack(seq=1)).SerializeToString(),
                                         b"\x00"]),
            ("an Ack for a seq never sent",
             [pb.NodeMessage(ack=pb.Ack(seq=10**9, height=1, block_hash=bytes(32)))
              .SerializeToString()]),
            ("a Resume without a Hello",
             [pb.NodeMessage(resume=pb.Resume(has_tip=False, next_height=0))
              .SerializeToString()]),
        ]
        for _, frames in garbage:
            c.send_raw(frames)
        c.pump(timeout=a.quiet, quiet=a.quiet)
        hellos = c.hellos
        c.send_error(pb.HELLO_FIRST, "conformance test: say Hello again after the malformed "
                                     "messages")
        if c.pump(until=lambda: c.hellos > hellos, timeout=a.timeout) != "done":
            self.r.fail("malformed-node-message", f"after {len(garbage)} malformed messages "
                                                  f"and an Error, no Hello within "
                                                  f"{a.timeout:g} s")
            return False
        c.pump(timeout=a.quiet, quiet=a.quiet)
        self.r.ok("malformed-node-message", "running and answering after: " +
                  ", ".join(name for name, _ in garbage))
        return True

    # ---- 4, 5 --------------------------------------------------------------------------------

    def publish(self):
        c, a, pb = self.c, self.a, self.pb
        epoch = 4242
        c.send_raw([pb.NodeMessage(publish=pb.PublishRequest(
            epoch=epoch, commitment=b"\x01" * 64, signatures=[b"\x02" * 65],
            not_before=0)).SerializeToString()])
        wait = a.timeout if a.require_publish_report else a.quiet * 2
        if c.pump(until=lambda: c.reports, timeout=wait) != "done":
            self.r.note("publish-report", f"no PublishReport within {wait:g} s (optional)")
            return True
        rep = c.reports[0]
        if rep.epoch != epoch or rep.outcome == pb.PublishReport.OUTCOME_UNSPECIFIED:
            self.r.fail("publish-report", f"PublishReport epoch {rep.epoch} outcome "
                                          f"{rep.outcome}: expected epoch {epoch} and an outcome")
        else:
            name = pb.PublishReport.Outcome.Name(rep.outcome)
            self.r.ok("publish-report", f"epoch {epoch}: {name} {rep.message!r}")
        return True

    def sigterm(self):
        from conformance_node import describe_status
        code = self.c.adapter.terminate(self.a.timeout)
        if code is None:
            self.r.fail("sigterm", f"still running {self.a.timeout:g} s after SIGTERM")
        elif code in (0, -15):
            self.r.ok("sigterm", f"exited on SIGTERM ({describe_status(code)})")
        else:
            self.r.fail("sigterm", f"exited on SIGTERM with {describe_status(code)}")
