#!/usr/bin/env python3
"""Fault 4 (issue 13 point 8): slow and hostile clients beside the normal webhooks.

The real `linli serve` (default limits: the whole request read within request_timeout_ms,
10 s). First the latency of normal webhooks (residents walking the report flow over 4
keep-alive connections) is measured alone; then again while 300 hostile connections are
held open - a third send nothing, a third trickle a request header one byte every 2 s, a
third send a complete header and trickle its body a byte every 2 s; each one the server
closes is opened again at once, so 300 stay open. Check: p99 of the normal webhooks under
50 ms while they hang on, and the server closing each hostile connection at its deadline.

  slowloris.py --linli build/linli [--short]   # full: 60 s with the slow clients; short: 12 s
"""

import errno
import random
import selectors
import socket
import sys
import threading
import time

import faultlib as fl

P99_LIMIT_MS = 50.0


class SlowClients:
    """`count` hostile connections to 127.0.0.1:`port`, kept open from a thread of their own."""

    HEADER_START = b"POST /webhook/tg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    BODY_HEADER = (b"POST /webhook/tg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   b"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: " +
                   fl.SECRET.encode() + b"\r\nContent-Length: 100000\r\n\r\n")

    def __init__(self, port, count, interval, rng):
        self.port = port
        self.count = count
        self.interval = interval
        self.rng = rng
        self.sel = selectors.DefaultSelector()
        self.stop_flag = False
        self.lock = threading.Lock()
        self.open = 0
        self.min_open = None
        self.closed_by_server = 0
        self.held = []  # seconds from connect to the server's close
        self.connect_failures = 0

    def _connect(self, kind):
        s = socket.socket()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            s.connect(("127.0.0.1", self.port))
        except OSError:
            s.close()
            self.connect_failures += 1
            return False
        s.setblocking(False)
        state = {"kind": kind, "t": time.monotonic(),
                 "next": time.monotonic() + self.rng.uniform(0, self.interval)}
        try:
            if kind == "header":
                s.send(self.HEADER_START)
            elif kind == "body":
                s.send(self.BODY_HEADER)
        except OSError:
            s.close()
            return False
        self.sel.register(s, selectors.EVENT_READ, state)
        with self.lock:
            self.open += 1
        return True

    def _drop(self, key, by_server):
        self.sel.unregister(key.fileobj)
        key.fileobj.close()
        with self.lock:
            self.open -= 1
            if by_server:
                self.closed_by_server += 1
                self.held.append(time.monotonic() - key.data["t"])

    def start(self):
        kinds = ["idle", "header", "body"]
        for i in range(self.count):
            self._connect(kinds[i % 3])
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def note_open(self):
        with self.lock:
            self.min_open = self.open if self.min_open is None else min(self.min_open, self.open)

    def _loop(self):
        while not self.stop_flag:
            for key, _ in self.sel.select(timeout=0.05):
                try:
                    data = key.fileobj.recv(4096)
                except OSError as e:
                    data = b"" if e.errno != errno.EAGAIN else None
                if data is None:
                    continue
                kind = key.data["kind"]
                self._drop(key, by_server=True)  # an answer (408/400) or a close: reopen
                self._connect(kind)
            now = time.monotonic()
            for key in list(self.sel.get_map().values()):
                state = key.data
                if state["kind"] == "idle" or now < state["next"]:
                    continue
                state["next"] = now + self.interval
                try:
                    key.fileobj.send(b"a" if state["kind"] == "header" else b" ")
                except OSError:
                    kind = state["kind"]
                    self._drop(key, by_server=True)
                    self._connect(kind)

    def stop(self):
        self.stop_flag = True
        self.thread.join(timeout=5)
        for key in list(self.sel.get_map().values()):
            self.sel.unregister(key.fileobj)
            key.fileobj.close()


def measure(port, seconds, first_user, during=None):
    residents = fl.Residents(port, threads=4, active=8, first_user=first_user)
    t0 = time.monotonic()
    workers = residents.run(admit=lambda: time.monotonic() - t0 < seconds)
    while time.monotonic() - t0 < seconds:
        if during:
            during()
        time.sleep(0.1)
    for w in workers:
        w.join(timeout=30)
    lat = [x * 1000.0 for x in residents.latencies]
    return residents, {"n": len(lat), "p50": fl.percentile(lat, 50),
                       "p99": fl.percentile(lat, 99), "max": max(lat) if lat else float("nan")}


def run(args):
    rng = random.Random(args.seed)
    slow_seconds = args.seconds or (12.0 if args.short else 60.0)
    base_seconds = 4.0 if args.short else 20.0
    work = fl.WorkDir(args.keep, "linli-fault-slowloris-")
    api = fl.FakeBotApi()

    def tweak(cfg):
        cfg["logging"]["level"] = "warn"

    server = fl.Linli(args.linli, args.source_dir, work.path, api, tweak=tweak)
    failed = True
    slow = None
    try:
        server.start()
        _, base = measure(server.port, base_seconds, 9600000)
        fl.log("alone: %d webhooks, p50 %.2f ms, p99 %.2f ms, max %.1f ms" %
               (base["n"], base["p50"], base["p99"], base["max"]))
        slow = SlowClients(server.port, args.connections, args.interval, rng)
        slow.start()
        time.sleep(0.5)
        slow.note_open()
        fl.check(slow.open >= args.connections, "%d hostile connections open" % slow.open)
        residents, hostile = measure(server.port, slow_seconds, 9700000, during=slow.note_open)
        slow.note_open()
        fl.log("with %d hostile connections (at least %d open all along): %d webhooks, p50 "
               "%.2f ms, p99 %.2f ms, max %.1f ms; the server closed %d of them, held %.1f s "
               "on average (max %.1f s)" %
               (args.connections, slow.min_open, hostile["n"], hostile["p50"], hostile["p99"],
                hostile["max"], slow.closed_by_server,
                sum(slow.held) / len(slow.held) if slow.held else 0,
                max(slow.held) if slow.held else 0))
        fl.check(slow.min_open >= args.connections * 0.95,
                 "the hostile connections stayed open during the measurement (min %d)" %
                 slow.min_open)
        fl.check(set(residents.statuses) == {200}, "every normal webhook answered 200: %s" %
                 residents.statuses)
        fl.check(hostile["p99"] < P99_LIMIT_MS, "p99 %.2f ms < %.0f ms with the hostile "
                 "connections open" % (hostile["p99"], P99_LIMIT_MS))
        if slow_seconds > 11:
            fl.check(slow.held and max(slow.held) < 12.0,
                     "the server closes a trickling connection at its 10 s deadline")
        closed = slow.closed_by_server
        slow.stop()
        slow = None
        server.stop()
        fl.log("RESULT slowloris connections=%d alone_p50_ms=%.2f alone_p99_ms=%.2f "
               "hostile_p50_ms=%.2f hostile_p99_ms=%.2f hostile_max_ms=%.1f closed=%d" %
               (args.connections, base["p50"], base["p99"], hostile["p50"], hostile["p99"],
                hostile["max"], closed))
        failed = False
        return 0
    finally:
        if slow:
            slow.stop()
        fl.stop_quietly(server)
        api.stop()
        work.cleanup(failed)


def main():
    ap = fl.common_args(__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=0, help="with the slow clients (60; 12)")
    ap.add_argument("--connections", type=int, default=300)
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between their bytes")
    args = ap.parse_args()
    return fl.main_wrapper(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
