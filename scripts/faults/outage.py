#!/usr/bin/env python3
"""Fault 2 (issue 13 point 6): the platform's API fails, then recovers.

The real `linli serve` with the outbox's default retry settings, against a fake Bot API that
  1. answers 500 to everything for a while (60 s; --short 4 s) while residents keep walking
     the report flow; then recovers: everything queued must be delivered, in order per chat,
     none twice;
  2. does not answer at all for as long (the channel's timeout_ms is 1 s: every send times
     out); then recovers: the same checks;
  3. refuses two chats for good - 403 "bot was blocked by the user" and 400 "chat not
     found": their messages are dead-lettered ('failed', tried once each) while the other
     residents' replies go out as usual (within 2 s of their last message);
  4. answers one chat's first send 429 with parameters.retry_after = 5 s (--short 2 s): no
     send to that chat before it has elapsed, the other chats not held up, and that chat's
     messages all delivered in order afterwards.

  outage.py --linli build/linli [--short]
"""

import sys
import time

import faultlib as fl

NORMAL_LAG_S = 2.0  # a reply not held up reaches the fake within this of its resident's 200


def order_check(server, api, dead_chats=()):
    """Every outbox row sent (or failed, for `dead_chats`) and delivered once, in order."""
    expected = fl.sent_messages_by_chat(server.db_path)
    delivered = api.delivered()
    bad, dups, total = [], 0, 0
    for chat, rows in expected.items():
        statuses = {s for s, _ in rows}
        want = {"failed"} if chat in dead_chats else {"sent"}
        if statuses != want:
            bad.append((chat, sorted(statuses)))
            continue
        texts = [t for s, t in rows if s == "sent"]
        total += len(texts)
        ok, d = fl.compare_deliveries(texts, delivered.get(chat, []))
        dups += d
        if not ok or d:
            bad.append((chat, "order"))
    fl.check(not bad, "every queued message delivered once, in order per chat (%d chats, %d "
             "messages; wrong: %s)" % (len(expected), total, bad[:5]))


def outage_phase(server, api, mode, seconds, first_user, residents_n):
    """The API fails in `mode` for `seconds` while residents write; then recovers."""
    api.mode = mode
    t0 = time.monotonic()
    residents = fl.Residents(server.port, threads=4, active=residents_n, first_user=first_user)
    workers = residents.run(admit=lambda: time.monotonic() - t0 < seconds)
    time.sleep(max(0.0, seconds - (time.monotonic() - t0)))
    api.mode = "ok"
    recovered = time.monotonic()
    for w in workers:
        w.join(timeout=30)
    refused = sum(1 for c in api.snapshot() if c["t"] >= t0 and c["status"] != 200)
    fl.log("%s: %.0f s outage, %d residents, %d turns acknowledged, %d sends refused (%s)" %
           (mode, recovered - t0, len(residents.finished), len(residents.acked), refused, mode))
    fl.check(set(residents.statuses) == {200},
             "webhooks answered 200 throughout the outage: %s" % residents.statuses)
    drained = fl.wait_outbox_drained(server.db_path, timeout=seconds * 2 + 30)
    if drained is None:
        raise fl.Failure("%s: outbox not drained: %s" % (mode, fl.outbox_counts(server.db_path)))
    time.sleep(0.2)
    fl.log("%s: everything delivered %.1f s after the API recovered" % (mode, drained))
    order_check(server, api)
    return refused, drained


def reply_lags(api, residents, chats):
    last = api.last_delivery()
    return {c: last.get(str(c), float("inf")) - residents.last_ack[c] for c in chats}


def permanent_phase(server, api, first_user, dead_chats):
    blocked, missing = first_user, first_user + 1
    api.script_for(blocked, [(403, {"ok": False, "error_code": 403,
                                    "description": "Forbidden: bot was blocked by the user"})],
                   sticky=True)
    api.script_for(missing, [(400, {"ok": False, "error_code": 400,
                                    "description": "Bad Request: chat not found"})],
                   sticky=True)
    residents = fl.Residents(server.port, threads=4, active=10, first_user=first_user, total=10)
    workers = residents.run()
    for w in workers:
        w.join(timeout=60)
    if fl.wait_outbox_drained(server.db_path, timeout=30) is None:
        raise fl.Failure("4xx: outbox not drained: %s" % fl.outbox_counts(server.db_path))
    time.sleep(0.2)
    dead = {str(blocked), str(missing)}
    order_check(server, api, dead_chats=dead)
    dead_chats.update(dead)
    calls = api.snapshot()
    rows = fl.sent_messages_by_chat(server.db_path)
    for chat in dead:
        tried = sum(1 for c in calls if c["chat"] == chat and c["method"] == "sendMessage")
        fl.check(tried == len(rows[chat]), "chat %s: each of its %d messages dead-lettered "
                 "after one try (%d tries)" % (chat, len(rows[chat]), tried))
    others = [u for u in residents.finished if str(u) not in dead]
    lags = reply_lags(api, residents, others)
    fl.check(max(lags.values()) < NORMAL_LAG_S,
             "the other %d residents were not held up: last reply %.3f s after their last "
             "message at most" % (len(others), max(lags.values())))


def rate_limit_phase(server, api, first_user, retry_after, dead_chats):
    limited = first_user
    api.script_for(limited, [(429, {"ok": False, "error_code": 429,
                                    "description": "Too Many Requests: retry after %d" %
                                    retry_after, "parameters": {"retry_after": retry_after}})])
    residents = fl.Residents(server.port, threads=4, active=8, first_user=first_user, total=8)
    workers = residents.run()
    for w in workers:
        w.join(timeout=60)
    if fl.wait_outbox_drained(server.db_path, timeout=retry_after + 30) is None:
        raise fl.Failure("429: outbox not drained: %s" % fl.outbox_counts(server.db_path))
    time.sleep(0.2)
    order_check(server, api, dead_chats)
    to_limited = [c for c in api.snapshot() if c["chat"] == str(limited)]
    first_429 = next(i for i, c in enumerate(to_limited) if c["status"] == 429)
    gap = to_limited[first_429 + 1]["t"] - to_limited[first_429]["t"]
    fl.check(gap >= retry_after, "chat %s: next send %.2f s after the 429 (retry_after %d s)" %
             (limited, gap, retry_after))
    others = [u for u in residents.finished if u != limited]
    lags = reply_lags(api, residents, others)
    fl.check(max(lags.values()) < NORMAL_LAG_S,
             "the other %d chats were not held up: last reply %.3f s after their last message "
             "at most" % (len(others), max(lags.values())))
    return gap


def run(args):
    seconds = args.seconds or (4.0 if args.short else 60.0)
    retry_after = 2 if args.short else 5
    work = fl.WorkDir(args.keep, "linli-fault-outage-")
    api = fl.FakeBotApi()
    api.hang_seconds = 3.0

    def tweak(cfg):
        cfg["channels"][0]["timeout_ms"] = "1000"
        cfg["logging"]["level"] = "warn"

    server = fl.Linli(args.linli, args.source_dir, work.path, api, tweak=tweak)
    failed = True
    try:
        server.start()
        r500, d500 = outage_phase(server, api, "500", seconds, 9200000, 20)
        rhang, dhang = outage_phase(server, api, "hang", seconds, 9300000, 20)
        dead_chats = set()
        permanent_phase(server, api, 9400000, dead_chats)
        gap = rate_limit_phase(server, api, 9500000, retry_after, dead_chats)
        server.stop()
        fl.check(fl.integrity(server.db_path) == "ok", "PRAGMA integrity_check is ok")
        fl.log("RESULT outage seconds=%.0f refused_500=%d drained_after_500_s=%.1f "
               "timed_out=%d drained_after_hang_s=%.1f retry_after_gap_s=%.2f" %
               (seconds, r500, d500, rhang, dhang, gap))
        failed = False
        return 0
    finally:
        fl.stop_quietly(server)
        api.stop()
        work.cleanup(failed)


def main():
    ap = fl.common_args(__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=0, help="outage length (60; --short 4)")
    args = ap.parse_args()
    return fl.main_wrapper(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
