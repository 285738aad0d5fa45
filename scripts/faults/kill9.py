#!/usr/bin/env python3
"""Fault 1 (issue 13 point 5): kill -9 under a steady webhook load.

Residents walk the report flow against the real `linli serve` while the server is SIGKILLed
at random moments and restarted; every update that was not acknowledged is resent with its
update_id (as Telegram does). Afterwards, with the server stopped:
  - PRAGMA integrity_check is ok;
  - every acknowledged update has its dedupe row, and every resident who finished has
    exactly one ticket (no effect lost, none doubled);
  - every outbox row is sent and every reply reached the fake Bot API, in order per chat;
    duplicates only where a send was in flight at a kill (counted, logged, and at most the
    rows the restarts reported as in flight).

  kill9.py --linli build/linli            # full: 20 kills
  kill9.py --linli build/linli --short    # CI: 3 kills
"""

import random
import re
import sys
import threading
import time

import faultlib as fl


def run(args):
    rng = random.Random(args.seed)
    kills = args.kills or (3 if args.short else 20)
    work = fl.WorkDir(args.keep, "linli-fault-kill9-")
    api = fl.FakeBotApi()
    server = fl.Linli(args.linli, args.source_dir, work.path, api)
    failed = True
    try:
        fl.log("kill -9: %d kills, %d connections, up to %d residents mid-flow; work dir %s" %
               (kills, args.connections, args.active, work.path))
        server.start()
        residents = fl.Residents(server.port, threads=args.connections, active=args.active)
        killing = {"done": False, "kills": 0, "downtime": [], "start_times": []}

        def killer():
            for _ in range(kills):
                time.sleep(rng.uniform(args.min_gap, args.max_gap))
                server.kill9()
                killing["kills"] += 1
                t0 = time.monotonic()
                killing["start_times"].append(server.start())
                killing["downtime"].append(time.monotonic() - t0)
            killing["done"] = True

        t_start = time.monotonic()
        k = threading.Thread(target=killer, daemon=True)
        k.start()
        workers = residents.run(admit=lambda: not killing["done"])
        k.join()
        for w in workers:
            w.join(timeout=120)
        if any(w.is_alive() for w in workers):
            raise fl.Failure("residents did not finish within 120 s of the last kill")
        elapsed = time.monotonic() - t_start
        fl.log("load: %d residents finished, %d acknowledged turns in %.1f s (%.0f/s), "
               "statuses %s, %d resends" %
               (len(residents.finished), len(residents.acked), elapsed,
                len(residents.acked) / elapsed, residents.statuses, residents.resends))
        fl.log("restarts: %d, ready in %s s" %
               (killing["kills"], ", ".join("%.2f" % s for s in killing["start_times"])))

        drained = fl.wait_outbox_drained(server.db_path, timeout=60)
        if drained is None:
            raise fl.Failure("outbox not drained 60 s after the load: %s" %
                             fl.outbox_counts(server.db_path))
        time.sleep(0.3)  # the last answers reach the fake's record
        server.stop()

        fl.check(fl.integrity(server.db_path) == "ok", "PRAGMA integrity_check is ok")
        keys = fl.inbox_keys(server.db_path)
        missing = [u for u in residents.acked if "u%d" % u not in keys]
        fl.check(not missing, "all %d acknowledged updates have their dedupe row (missing: %s)" %
                 (len(residents.acked), missing[:5]))
        tickets = fl.tickets_per_user(server.db_path)
        wrong = {u: tickets.get(u, 0) for u in residents.finished if tickets.get(u, 0) != 1}
        fl.check(not wrong, "each of the %d residents who finished has exactly one ticket "
                 "(wrong: %s)" % (len(residents.finished), dict(list(wrong.items())[:5])))
        extra = sum(n for u, n in tickets.items() if u not in residents.finished)
        fl.check(extra == 0, "no ticket for a flow that was not acknowledged (%d)" % extra)

        counts = fl.outbox_counts(server.db_path)
        fl.check(set(counts) <= {"sent"}, "every outbox row is sent: %s" % counts)
        expected = fl.sent_messages_by_chat(server.db_path)
        delivered = api.delivered()
        duplicates = 0
        bad = []
        for chat, rows in expected.items():
            ok, dups = fl.compare_deliveries([t for _, t in rows], delivered.get(chat, []))
            duplicates += dups
            if dups:
                fl.log("duplicate: chat %s got %d message(s) twice (in flight at a kill)" %
                       (chat, dups))
            if not ok:
                bad.append(chat)
        fl.check(not bad, "every reply reached the fake Bot API in order (%d chats, %d "
                 "messages; wrong chats: %s)" %
                 (len(expected), sum(len(r) for r in expected.values()), bad[:5]))
        in_flight = sum(int(n) for n in re.findall(
            r"(\d+) message\(s\) were in flight at the last stop", server.log_text()))
        fl.check(duplicates <= in_flight,
                 "%d duplicate send(s), at most the %d the restarts found in flight" %
                 (duplicates, in_flight))
        fl.log("RESULT kill9 kills=%d residents=%d turns=%d turns_per_s=%.0f duplicates=%d "
               "in_flight_at_kills=%d max_restart_s=%.2f" %
               (killing["kills"], len(residents.finished), len(residents.acked),
                len(residents.acked) / elapsed, duplicates, in_flight,
                max(killing["start_times"] or [0])))
        failed = False
        return 0
    finally:
        fl.stop_quietly(server)
        api.stop()
        work.cleanup(failed)


def main():
    ap = fl.common_args(__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=0, help="default 20, --short 3")
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--active", type=int, default=32, help="residents mid-flow at once")
    ap.add_argument("--min-gap", type=float, default=0.3, help="seconds up before a kill")
    ap.add_argument("--max-gap", type=float, default=2.0)
    args = ap.parse_args()
    return fl.main_wrapper(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
