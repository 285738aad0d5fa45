#!/usr/bin/env python3
"""Issue 14's "Done when", as a new user would try it: two `linli serve` processes on one
PostgreSQL database (a schema of its own on the LINLI_PG_DSN server; scripts/with-postgres.sh
starts a throwaway one), a Telegram channel pointed at the fake Bot API of faultlib.py.

  1. both instances start at the same moment (migrations run once, under the advisory lock);
  2. one resident's report flow, its turns alternating between the instances, makes one
     ticket, and every reply reaches the fake in order;
  3. a redelivered update sent to the other instance is answered and not processed again;
     one update sent to both at the same moment is processed once;
  4. the daily digest, configured on both (due at start: it never ran), is sent once;
  5. under a steady load over both, one instance is SIGKILLed; clients fail over to the other
     (as a load balancer would), which finishes every flow and, after the outbox lease, sends
     what the dead one had claimed: every acknowledged effect once, every reply delivered,
     per chat in order (a repeat only where a send was in flight at the kill);
  6. `linli db copy` moves a SQLite community to PostgreSQL, and a resident's `进度` there
     answers with the same tickets as on SQLite.

  instances.py --linli build/bot/server/linli            # full: 20 s of load, kill after 6 s
  instances.py --linli build/bot/server/linli --short    # CI: 6 s of load, kill after 2 s
Exit 0, 1 on a failed check (work directory kept), 77 without LINLI_PG_DSN.
"""

import copy
import json
import os
import re
import subprocess
import sys
import threading
import time

import faultlib as fl

LEASE_MS = 5000  # the outbox lease: how soon a dead instance's claimed rows go to another
STAFF_CHAT = "-100777"


class Pg:
    """psql on LINLI_PG_DSN in one schema."""

    def __init__(self, dsn, schema):
        self.dsn = dsn
        self.schema = schema

    def rows(self, sql):
        out = subprocess.run(
            ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", self.dsn,
             "-c", "SET search_path TO " + self.schema, "-c", sql],
            capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise fl.Failure("psql: %s: %s" % (sql, out.stderr.strip()))
        return [line.split("\t") for line in out.stdout.splitlines() if line != ""]

    def value(self, sql):
        r = self.rows(sql)
        return r[0][0] if r else None

    def exec_plain(self, sql):
        out = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.dsn,
                              "-c", sql], capture_output=True, text=True, timeout=30)
        if out.returncode != 0:
            raise fl.Failure("psql: %s: %s" % (sql, out.stderr.strip()))

    def tickets_per_user(self):
        return {int(u): int(n) for u, n in self.rows(
            "SELECT i.user_id, COUNT(t.id) FROM identities i LEFT JOIN tickets t "
            "ON t.reporter_person_id = i.person_id WHERE i.channel = '%s' "
            "GROUP BY i.user_id" % fl.CHANNEL)}

    def inbox_count(self, key):
        return int(self.value("SELECT COUNT(*) FROM inbox WHERE channel = '%s' AND "
                              "platform_message_id = '%s'" % (fl.CHANNEL, key)))

    def inbox_keys(self):
        return {k for (k,) in self.rows("SELECT platform_message_id FROM inbox WHERE "
                                        "channel = '%s'" % fl.CHANNEL)}

    def outbox_counts(self):
        return {s: int(n) for s, n in self.rows("SELECT status, COUNT(*) FROM outbox "
                                                "GROUP BY status")}

    def outbox_rows_for(self, chat):
        return int(self.value("SELECT COUNT(*) FROM outbox WHERE chat_id = '%s'" % chat))

    def sent_texts_by_chat(self):
        out = {}
        for chat, status, payload in self.rows(
                "SELECT chat_id, status, payload FROM outbox ORDER BY id"):
            p = json.loads(payload)
            if p.get("kind") == "text" and not p.get("edit_of"):
                out.setdefault(chat, []).append((status, p.get("text", "")))
        return out

    def wait_drained(self, timeout):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            c = self.outbox_counts()
            if c.get("pending", 0) + c.get("sending", 0) == 0:
                return time.monotonic() - t0
            time.sleep(0.2)
        return None


def pg_storage(dsn, schema):
    return {"backend": "postgresql", "postgresql": {"dsn": dsn, "schema": schema}}


def tweak_for(dsn, schema):
    def tweak(cfg):
        cfg["storage"] = pg_storage(dsn, schema)
        cfg["timezone"] = "UTC"
        cfg["groups"] = [{"name": "staff", "channel": fl.CHANNEL, "chat_id": STAFF_CHAT,
                          "posts": ["digest"]}]
        cfg["digest"] = {"time": "00:00"}
        cfg["outbox"] = dict(cfg.get("outbox", {}), lease_ms=LEASE_MS)
    return tweak


class FailoverClient:
    """A worker's connection to the instances: starts on ports[first] and moves to the next
    instance after a post nobody answered (the Residents resend it, with its update_id)."""

    def __init__(self, ports, first, timeout=10.0):
        self.clients = [fl.Client(p, timeout) for p in ports]
        self.at = first % len(ports)
        self.failovers = 0

    def post(self, update):
        status, seconds = self.clients[self.at].post(update)
        if status == 0:
            self.clients[self.at].close()
            self.at = (self.at + 1) % len(self.clients)
            self.failovers += 1
        return status, seconds

    def close(self):
        for c in self.clients:
            c.close()


def post(port, update):
    c = fl.Client(port)
    try:
        return c.post(update)[0]
    finally:
        c.close()


def reply_texts(api, chat):
    return [c["text"] for c in api.snapshot()
            if c["method"] == "sendMessage" and c["chat"] == str(chat) and c["status"] == 200]


def wait_for(what, predicate, timeout):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if predicate():
            return time.monotonic() - t0
        time.sleep(0.1)
    raise fl.Failure("%s: not within %.0f s" % (what, timeout))


def run_cli(binary, args, timeout=120):
    out = subprocess.run([binary] + args, capture_output=True, text=True, timeout=timeout)
    return out.returncode, out.stdout + out.stderr


def check_deliveries(pg, api, chats):
    expected = pg.sent_texts_by_chat()
    delivered = api.delivered()
    dups = 0
    for chat in chats:
        texts = [t for status, t in expected.get(str(chat), [])]
        statuses = {status for status, t in expected.get(str(chat), [])}
        if not statuses <= {"sent"}:
            raise fl.Failure("chat %s: outbox rows not sent: %s" % (chat, statuses))
        ok, d = fl.compare_deliveries(texts, delivered.get(str(chat), []))
        if not ok:
            raise fl.Failure("chat %s: delivered %r, outbox %r" %
                             (chat, delivered.get(str(chat), []), texts))
        dups += d
    fl.log("ok: %d chats: every outbox row sent and delivered in order" % len(chats))
    return dups


def run(args):
    dsn = os.environ.get("LINLI_PG_DSN", "")
    if not dsn:
        fl.log("skipped: LINLI_PG_DSN is not set (scripts/with-postgres.sh starts a server)")
        return fl.SKIP
    load_seconds = 6.0 if args.short else 20.0
    kill_after = 2.0 if args.short else 6.0
    work = fl.WorkDir(args.keep, "linli-instances-")
    schema = "linli_inst_%d" % os.getpid()
    copy_schema = schema + "_copy"
    pg = Pg(dsn, schema)
    api = fl.FakeBotApi()
    servers = []
    failed = True
    try:
        for s in (schema, copy_schema):  # the operator creates it (storage.postgresql.schema)
            pg.exec_plain("CREATE SCHEMA %s" % s)
        for name in ("a", "b"):
            d = os.path.join(work.path, name)
            os.makedirs(d)
            servers.append(fl.Linli(args.linli, args.source_dir, d, api,
                                    tweak=tweak_for(dsn, schema)))
        a, b = servers
        fl.log("two instances on %s, schema %s; work dir %s" % (dsn, schema, work.path))

        # 1. Both start at once: one of them migrates, the other waits on the lock.
        errors = []

        def start(s):
            try:
                s.start(timeout=60)
            except Exception as e:  # a Failure, or no binary at all
                errors.append(str(e))
        threads = [threading.Thread(target=start, args=(s,)) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        fl.check(not errors, "both instances started together (%s)" % errors)
        versions = pg.rows("SELECT version FROM schema_migrations ORDER BY version")
        fl.check(len(versions) == len({v for (v,) in versions}) and versions,
                 "each migration recorded once (%d)" % len(versions))

        # 2. One resident, turns alternating between the instances.
        user = 7001
        for i, text in enumerate(fl.REPORT_FLOW):
            status = post(servers[i % 2].port, fl.text_update(fl.next_update_id(), user, text))
            fl.check(status == 200, "turn %d (%s) on instance %s answered 200 (%s)" %
                     (i + 1, text, "ab"[i % 2], status))
        fl.check(pg.tickets_per_user().get(user) == 1,
                 "the alternating flow made exactly one ticket")
        wait_for("the alternating flow's replies", lambda: pg.wait_drained(0.5) is not None, 20)
        check_deliveries(pg, api, [user])
        fl.log("ok: %d replies to the resident, in order" % len(reply_texts(api, user)))

        # 3. A redelivery to the other instance; one update to both at once.
        last = fl.text_update(fl.next_update_id(), user, "进度")
        fl.check(post(a.port, last) == 200, "进度 on instance a answered")
        rows_before = pg.outbox_rows_for(user)
        fl.check(post(b.port, last) == 200, "its redelivery to instance b answered 200")
        fl.check(pg.outbox_rows_for(user) == rows_before and
                 pg.inbox_count("u%d" % last["update_id"]) == 1,
                 "the redelivery was not processed again (outbox rows %d, one dedupe row)" %
                 rows_before)
        twin_user = 7002
        twin = fl.text_update(fl.next_update_id(), twin_user, "报事")
        answers = []
        ts = [threading.Thread(target=lambda p=s.port: answers.append(post(p, twin)))
              for s in servers]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        fl.check(answers == [200, 200], "one update to both instances at once: both 200 (%s)" %
                 answers)
        fl.check(pg.inbox_count("u%d" % twin["update_id"]) == 1 and
                 pg.outbox_rows_for(twin_user) <= 1,
                 "... and processed once (outbox rows for it: %d)" % pg.outbox_rows_for(twin_user))

        # 4. The digest, configured on both.
        wait_for("the daily digest", lambda: reply_texts(api, STAFF_CHAT), 30)
        time.sleep(3.0)
        digests = reply_texts(api, STAFF_CHAT)
        fl.check(len(digests) == 1, "the daily digest was sent once (%d)" % len(digests))
        runs = pg.rows("SELECT name, runs FROM job_runs WHERE name LIKE '%digest%'")
        fl.check(runs and all(int(n) == 1 for _name, n in runs),
                 "its job ran once (%s)" % runs)

        # 5. SIGKILL one instance under load over both.
        ports = [a.port, b.port]
        clients = []

        def make_client(i):
            c = FailoverClient(ports, i)
            clients.append(c)
            return c
        residents = fl.Residents(None, threads=8, active=32, first_user=9300000,
                                 client=make_client)
        stop_admitting = time.monotonic() + load_seconds
        t0 = time.monotonic()
        workers = residents.run(admit=lambda: time.monotonic() < stop_admitting)
        time.sleep(kill_after)
        a.kill9()
        killed_at = time.monotonic()
        fl.log("instance a killed %.1f s into the load" % (killed_at - t0))
        for w in workers:
            w.join(timeout=120)
        fl.check(not any(w.is_alive() for w in workers), "every resident finished")
        fl.log("load: %d residents finished, %d acknowledged turns, statuses %s, %d resends, "
               "%d fail-overs" % (len(residents.finished), len(residents.acked),
                                  residents.statuses, residents.resends,
                                  sum(c.failovers for c in clients)))
        drained = pg.wait_drained(60)
        fl.check(drained is not None, "instance b sent everything, the dead one's claims too "
                 "(%s)" % pg.outbox_counts())
        time.sleep(0.5)
        keys = pg.inbox_keys()
        missing = [u for u in residents.acked if "u%d" % u not in keys]
        fl.check(not missing, "every acknowledged update (%d) has its dedupe row" %
                 len(residents.acked))
        tickets = pg.tickets_per_user()
        wrong = {u: tickets.get(u, 0) for u in residents.finished if tickets.get(u, 0) != 1}
        fl.check(not wrong, "every finished resident (%d) has exactly one ticket (wrong: %s)" %
                 (len(residents.finished), dict(list(wrong.items())[:5])))
        dups = check_deliveries(pg, api, residents.users)
        recovered = len(re.findall(r"let its lease run out", b.log_text()))
        fl.log("ok: every reply delivered in order per chat; %d repeated (sends in flight at "
               "the kill), instance b's log names %d taken-back messages" % (dups, recovered))
        fl.check(dups <= recovered, "repeats only for messages taken back "
                 "after the lease (%d repeats, %d taken back)" % (dups, recovered))
        fl.stop_quietly(b)

        # 6. linli db copy: a SQLite community moved to PostgreSQL.
        sd = os.path.join(work.path, "sqlite")
        os.makedirs(sd)
        lite = fl.Linli(args.linli, args.source_dir, sd, api)
        lite.start()
        movers = [9400001, 9400002]
        for u in movers:
            for text in fl.REPORT_FLOW:
                fl.check(post(lite.port, fl.text_update(fl.next_update_id(), u, text)) == 200,
                         "SQLite flow turn answered")
        before = {}
        for u in movers:
            n = len(reply_texts(api, u))
            fl.check(post(lite.port, fl.text_update(fl.next_update_id(), u, "进度")) == 200,
                     "进度 on SQLite")
            wait_for("进度's answer on SQLite", lambda: len(reply_texts(api, u)) > n, 20)
            before[u] = reply_texts(api, u)[-1]
        lite.stop()
        to_cfg = copy.deepcopy(json.load(open(lite.config_path)))
        to_cfg["storage"] = pg_storage(dsn, copy_schema)
        to_cfg["server"]["port"] = fl.free_port()
        to_path = os.path.join(sd, "pg.json")
        with open(to_path, "w") as f:
            json.dump(to_cfg, f, ensure_ascii=False)
        rc, text = run_cli(args.linli, ["migrate", "--config", to_path])
        fl.check(rc == 0, "linli migrate on the target (%s)" % text.strip()[-200:])
        rc, text = run_cli(args.linli, ["db", "copy", "--from", lite.config_path,
                                        "--to", to_path])
        fl.log("linli db copy:\n" + text.rstrip())
        fl.check(rc == 0, "linli db copy exited 0")
        rc, again = run_cli(args.linli, ["db", "copy", "--from", lite.config_path,
                                         "--to", to_path])
        fl.check(rc != 0, "a second copy into the now non-empty target is refused (%s)" %
                 again.strip().splitlines()[-1:])
        os.makedirs(os.path.join(sd, "moved"))
        moved = fl.Linli(args.linli, args.source_dir, os.path.join(sd, "moved"), api,
                         tweak=lambda c: c.update(storage=pg_storage(dsn, copy_schema)))
        moved.start()
        try:
            for u in movers:
                n = len(reply_texts(api, u))
                fl.check(post(moved.port, fl.text_update(fl.next_update_id(), u, "进度")) == 200,
                         "进度 on PostgreSQL")
                wait_for("进度's answer on PostgreSQL", lambda: len(reply_texts(api, u)) > n, 20)
                after = reply_texts(api, u)[-1]
                fl.check(after == before[u], "resident %d: 进度 after the copy answers as before "
                         "(%r vs %r)" % (u, after[:80], before[u][:80]))
        finally:
            fl.stop_quietly(moved)
        fl.log("RESULT instances acked=%d finished=%d repeats=%d" %
               (len(residents.acked), len(residents.finished), dups))
        failed = False
        return 0
    finally:
        for s in servers:
            fl.stop_quietly(s)
        api.stop()
        if not failed and not args.keep:
            for s in (schema, copy_schema):
                try:
                    pg.exec_plain("DROP SCHEMA IF EXISTS %s CASCADE" % s)
                except fl.Failure as e:
                    fl.log("cleanup:", e)
        work.cleanup(failed)


if __name__ == "__main__":
    parser = fl.common_args(__doc__)
    sys.exit(fl.main_wrapper(lambda: run(parser.parse_args())))
