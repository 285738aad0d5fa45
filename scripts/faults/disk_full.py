#!/usr/bin/env python3
"""Fault 3 (issue 13 point 7): the disk fills up under load, then space returns.

The database lives on a small tmpfs mounted for the run (needs root: `mount -t tmpfs`;
without it the script skips with 77 - tests/e2e/disk_full_e2e_test.cc covers the same in
process with SQLite's max_page_count). Residents walk the report flow; a filler file takes
every free byte of the tmpfs for a while (30 s; --short 3 s), then is deleted. Checks:
  - while full, webhooks are answered 503 (so Telegram redelivers) - any 200 is a turn that
    did commit - and /healthz answers 503 {"status":"degraded","reason":"disk full"};
  - after the filler is gone, /healthz is 200 again by itself and the resent updates go
    through; PRAGMA integrity_check is ok; every acknowledged update has its dedupe row;
    every resident has exactly one ticket; every reply was delivered once, in order.

  disk_full.py --linli build/linli [--short]
"""

import errno
import json
import os
import subprocess
import sys
import threading
import time

import faultlib as fl


def fill(path):
    """Writes `path` until the file system is full. Returns the bytes written."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        for chunk in (1 << 18, 1 << 12, 1 << 9):
            block = b"\0" * chunk
            while True:
                try:
                    written += f.write(block)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    return written


def healthz(port):
    status, body = fl.http_get(port, "/healthz", timeout=2.0)
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        doc = {}
    return status, doc


def run(args):
    full_seconds = args.seconds or (3.0 if args.short else 30.0)
    work = fl.WorkDir(args.keep, "linli-fault-disk-")
    mnt = os.path.join(work.path, "mnt")
    os.mkdir(mnt)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % args.size_mb,
                              "tmpfs", mnt], capture_output=True, text=True)
    if mounted.returncode != 0:
        fl.log("SKIPPED: cannot mount a tmpfs here (%s); tests/e2e/disk_full_e2e_test.cc "
               "covers the disk-full path with max_page_count" % mounted.stderr.strip())
        work.cleanup(False)
        return fl.SKIP
    api = fl.FakeBotApi()
    server = fl.Linli(args.linli, args.source_dir, work.path, api,
                      db_path=os.path.join(mnt, "linli.db"))
    failed = True
    try:
        fl.log("disk full: a %d MiB tmpfs at %s, full for %.0f s" %
               (args.size_mb, mnt, full_seconds))
        server.start()
        residents = fl.Residents(server.port, threads=4, active=16)
        phase = {"space": True, "stop_admitting": False}
        workers = residents.run(admit=lambda: not phase["stop_admitting"])
        time.sleep(1.0)
        before = dict(residents.statuses)
        filler = os.path.join(mnt, "filler")
        filled = fill(filler)
        t_full = time.monotonic()
        fl.log("filled the tmpfs with %.1f MiB" % (filled / 1048576.0))
        phase["space"] = False
        health = {}
        first_503 = None
        while time.monotonic() - t_full < full_seconds:
            status, doc = healthz(server.port)
            key = (status, doc.get("status"), doc.get("reason"))
            health[key] = health.get(key, 0) + 1
            if first_503 is None and residents.statuses.get(503, 0) > before.get(503, 0):
                first_503 = time.monotonic() - t_full
            time.sleep(0.05)
        during = {s: n - before.get(s, 0) for s, n in residents.statuses.items()}
        fl.log("while full: webhook answers %s; /healthz answers %s" % (during, health))
        fl.check(during.get(503, 0) > 0, "webhooks answered 503 while the disk was full "
                 "(first after %.2f s)" % (first_503 if first_503 is not None else -1))
        fl.check(set(during) <= {200, 503}, "no other answer than 200 (committed) or 503")
        fl.check(health.get((503, "degraded", "disk full"), 0) > 0,
                 "/healthz said 503 degraded \"disk full\"")
        fl.check(server.proc.poll() is None, "the server kept running")

        os.unlink(filler)
        t_space = time.monotonic()
        healthy_after = None
        while time.monotonic() - t_space < 30:
            if healthz(server.port)[0] == 200:
                healthy_after = time.monotonic() - t_space
                break
            time.sleep(0.02)
        fl.check(healthy_after is not None, "/healthz is ok again %.2f s after space returned" %
                 (healthy_after if healthy_after is not None else -1))
        time.sleep(1.0)  # some more load with space
        phase["stop_admitting"] = True
        for w in workers:
            w.join(timeout=60)
        if any(w.is_alive() for w in workers):
            raise fl.Failure("residents did not finish within 60 s of space returning")
        drained = fl.wait_outbox_drained(server.db_path, timeout=60)
        if drained is None:
            raise fl.Failure("outbox not drained: %s" % fl.outbox_counts(server.db_path))
        time.sleep(0.2)
        server.stop()

        fl.check(fl.integrity(server.db_path) == "ok", "PRAGMA integrity_check is ok")
        keys = fl.inbox_keys(server.db_path)
        missing = [u for u in residents.acked if "u%d" % u not in keys]
        fl.check(not missing, "all %d acknowledged updates have their dedupe row" %
                 len(residents.acked))
        tickets = fl.tickets_per_user(server.db_path)
        wrong = {u: tickets.get(u, 0) for u in residents.finished if tickets.get(u, 0) != 1}
        fl.check(not wrong and len(tickets) == len(residents.finished),
                 "each of the %d residents has exactly one ticket (wrong: %s)" %
                 (len(residents.finished), dict(list(wrong.items())[:5])))
        expected = fl.sent_messages_by_chat(server.db_path)
        delivered = api.delivered()
        bad = []
        for chat, rows in expected.items():
            ok, dups = fl.compare_deliveries([t for _, t in rows], delivered.get(chat, []))
            if not ok or dups or {s for s, _ in rows} != {"sent"}:
                bad.append(chat)
        fl.check(not bad, "every reply delivered once, in order (%d chats; wrong: %s)" %
                 (len(expected), bad[:5]))
        fl.log("RESULT disk_full seconds=%.0f webhook_503=%d webhook_200_while_full=%d "
               "healthz_degraded=%d healthy_again_s=%.2f residents=%d" %
               (full_seconds, during.get(503, 0), during.get(200, 0),
                health.get((503, "degraded", "disk full"), 0), healthy_after,
                len(residents.finished)))
        failed = False
        return 0
    finally:
        fl.stop_quietly(server)
        api.stop()
        subprocess.run(["umount", mnt], check=False)
        work.cleanup(failed)


def main():
    ap = fl.common_args(__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=0, help="how long full (30; --short 3)")
    ap.add_argument("--size-mb", type=int, default=16, help="the tmpfs's size")
    args = ap.parse_args()
    return fl.main_wrapper(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
