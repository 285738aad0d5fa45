"""Shared parts of the fault scripts (docs/faults.md): a fake Telegram Bot API that records
every call and can be told to fail, the real `linli serve` as a child process, a webhook
client that resends what was not acknowledged (as Telegram does), residents walking the
report flow, and the checks read from the database afterwards.

Python 3 standard library only. Every server listens on 127.0.0.1; every wait is bounded.
"""

import argparse
import http.client
import http.server
import itertools
import json
import math
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

TOKEN = "123456:fault-token"
SECRET = "fault-secret"
CHANNEL = "tg"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The report flow as a resident types it: 报事, category 2, location, description, no photo,
# confirm. Each message is one webhook turn.
REPORT_FLOW = ["报事", "2", "3号楼2单元", "楼道灯坏了", "跳过", "1"]
SKIP = 77  # ctest's SKIP_RETURN_CODE for these tests


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)  # nearest rank
    k = min(len(ordered) - 1, max(0, math.ceil(p / 100.0 * len(ordered)) - 1))
    return ordered[k]


def common_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--linli", required=True, help="the linli binary")
    ap.add_argument("--source-dir", default=os.path.join(os.path.dirname(__file__), "..", ".."),
                    help="the source tree (for config/locales)")
    ap.add_argument("--short", action="store_true", help="the short version (CI)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--seed", type=int, default=None)
    return ap


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)
    log("ok:", what)


# ---------------------------------------------------------------- the fake Bot API


class FakeBotApi:
    """POST /bot<token>/<method>: records each call as a dict (method, chat, text, t, status)
    and answers like api.telegram.org. `mode` is "ok", "500" (every call answered 500) or
    "hang" (no answer for `hang_seconds`, then the connection is closed: the client's timeout
    fires first; recorded with status "timeout", not delivered). `script_for(chat, answers)`
    makes that chat's calls answer the given (status, body) pairs in turn, the last one
    forever when `sticky`. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []
        self.mode = "ok"
        self.hang_seconds = 3.0
        self.scripts = {}
        self.next_message_id = 1
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes: without this, Nagle and the client's
            # delayed ACK cost 40 ms per answer.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                method = self.path.rsplit("/", 1)[-1]
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                status, answer, hang = api._answer(method, body)
                if hang:
                    time.sleep(api.hang_seconds)
                    self.close_connection = True
                    return
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request, client_address):
                # A client killed mid-request (kill -9) or gone after its timeout: expected.
                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def api_base(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def script_for(self, chat, answers, sticky=False):
        with self.lock:
            self.scripts[str(chat)] = (list(answers), sticky)

    def _answer(self, method, body):
        chat = str(body.get("chat_id", ""))
        call = {"method": method, "chat": chat, "text": body.get("text", ""),
                "t": time.monotonic()}
        with self.lock:
            self.calls.append(call)
            script = self.scripts.get(chat)
            if script and script[0]:
                answers, sticky = script
                status, answer = answers[0] if (sticky and len(answers) == 1) else answers.pop(0)
                call["status"] = status
                return status, answer, False
            if self.mode == "500":
                call["status"] = 500
                return 500, {"ok": False, "error_code": 500,
                             "description": "Internal Server Error"}, False
            if self.mode == "hang":
                call["status"] = "timeout"
                return 0, None, True
            call["status"] = 200
            if method in ("sendMessage", "editMessageText", "sendPhoto"):
                mid = self.next_message_id
                self.next_message_id += 1
                return 200, {"ok": True, "result": {
                    "message_id": mid, "date": int(time.time()),
                    "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else 0,
                             "type": "private"},
                    "text": call["text"]}}, False
            return 200, {"ok": True, "result": True}, False

    def snapshot(self):
        with self.lock:
            return [dict(c) for c in self.calls]

    def last_delivery(self, method="sendMessage"):
        """chat -> monotonic time of the last call answered 200."""
        out = {}
        for c in self.snapshot():
            if c["method"] == method and c["status"] == 200:
                out[c["chat"]] = c["t"]
        return out

    def delivered(self, method="sendMessage"):
        """chat -> texts of the calls answered 200, in arrival order."""
        out = {}
        for c in self.snapshot():
            if c["method"] == method and c["status"] == 200:
                out.setdefault(c["chat"], []).append(c["text"])
        return out


# ---------------------------------------------------------------- linli serve


class Linli:
    """`linli serve` on a fresh loopback port with a Telegram channel `tg` pointed at `api`,
    SQLite (synchronous FULL) at `db_path`. `tweak(config)` may change the config first."""

    def __init__(self, binary, source_dir, workdir, api, db_path=None, tweak=None):
        self.binary = os.path.abspath(binary)
        self.workdir = workdir
        self.port = free_port()
        self.db_path = db_path or os.path.join(workdir, "linli.db")
        cfg = {
            "server": {"host": "127.0.0.1", "port": self.port},
            "storage": {"backend": "sqlite",
                        "sqlite": {"path": self.db_path, "synchronous": "FULL"}},
            "locale_dir": os.path.join(os.path.abspath(source_dir), "config", "locales"),
            "channels": [{"name": CHANNEL, "type": "telegram", "token": TOKEN,
                          "secret_token": SECRET, "api_base": api.api_base,
                          "timeout_ms": "5000",
                          # Every reply through the outbox: the faults here are the outbox's
                          # (the webhook answer's reply is not re-sent by this driver).
                          "answer_in_webhook": False}],
            "compound": {"name": "fault", "buildings": [
                {"id": str(b), "units": ["1", "2", "3"]} for b in range(1, 7)]},
            "staff": [],
            "logging": {"level": "info"},
        }
        if tweak:
            tweak(cfg)
        self.config_path = os.path.join(workdir, "linli.json")
        with open(self.config_path, "w") as f:
            json.dump(cfg, f, ensure_ascii=False, indent=1)
        self.log_path = os.path.join(workdir, "serve.log")
        self.proc = None
        self.starts = 0

    def start(self, timeout=20.0):
        logf = open(self.log_path, "a")
        logf.write("---- start %d\n" % (self.starts + 1))
        logf.flush()
        self.proc = subprocess.Popen([self.binary, "serve", "--config", self.config_path],
                                     stdout=logf, stderr=subprocess.STDOUT, cwd=self.workdir)
        logf.close()
        self.starts += 1
        deadline = time.monotonic() + timeout
        t0 = time.monotonic()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Failure("linli serve exited with %s (see %s)" % (self.proc.returncode,
                                                                       self.log_path))
            status, _ = http_get(self.port, "/healthz", timeout=1.0)
            if status:
                return time.monotonic() - t0
            time.sleep(0.01)
        raise Failure("linli serve did not answer /healthz within %.0f s" % timeout)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("linli serve did not stop within 30 s of SIGTERM")

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def stop_quietly(server):
    """For `finally:` blocks: stops the server if it runs, never raises."""
    try:
        server.stop()
    except Failure as e:
        log("while stopping:", e)


def http_get(port, path, timeout=5.0):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, body
    except (OSError, http.client.HTTPException):
        return 0, b""


# ---------------------------------------------------------------- the webhook client


class Client:
    """One keep-alive connection posting Telegram updates; reconnects after any error."""

    def __init__(self, port, timeout=10.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def post(self, update):
        """Returns (HTTP status or 0 for no answer, seconds)."""
        body = json.dumps(update, ensure_ascii=False).encode()
        t0 = time.perf_counter()
        for attempt in range(2):  # a kept-alive connection the server closed: once more
            # A refused connect (the server is down) must count as a fresh one, or the retry
            # below reads `fresh` before it is set and the worker thread dies mid-flow.
            fresh = self.conn is None
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                           timeout=self.timeout)
                    self.conn.connect()
                    self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    fresh = True
                else:
                    fresh = False
                self.conn.request("POST", "/webhook/" + CHANNEL, body,
                                  {"Content-Type": "application/json", SECRET_HEADER: SECRET})
                r = self.conn.getresponse()
                r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, time.perf_counter() - t0
            except (OSError, http.client.HTTPException):
                self.close()
                if fresh:
                    break
                t0 = time.perf_counter()
        return 0, time.perf_counter() - t0

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None


_update_ids = itertools.count(1)
_update_ids_lock = threading.Lock()


def next_update_id():
    """Unique in the process, so residents of several phases never share an update_id (the
    server would answer the second from its dedupe record)."""
    with _update_ids_lock:
        return next(_update_ids)


def text_update(update_id, user, text):
    return {"update_id": update_id,
            "message": {"message_id": update_id,
                        "from": {"id": user, "is_bot": False, "first_name": "F"},
                        "chat": {"id": user, "first_name": "F", "type": "private"},
                        "date": int(time.time()), "text": text}}


class Residents:
    """Residents walking the report flow over `threads` connections. A resident's next
    message goes after the previous one was acknowledged (200); anything else - no answer,
    503 - is resent with the same update_id after `resend_delay` (as Telegram redelivers).
    `admit()` says whether a new resident may start (steady load while it returns True);
    at most `active` are mid-flow. Records every acknowledged update_id and latencies."""

    def __init__(self, port, threads=8, active=32, first_user=9100000, flow=REPORT_FLOW,
                 resend_delay=0.05, timeout=10.0, total=None, client=None):
        self.port = port
        # Makes each worker's connection (worker index -> an object with post/close); default
        # one Client to `port`. instances.py passes clients that fail over between instances.
        self.client = client or (lambda _i: Client(self.port, self.timeout))
        self.total = total  # at most this many residents in all (None: no limit)
        self.threads = threads
        self.active = active
        self.flow = flow
        self.resend_delay = resend_delay
        self.timeout = timeout
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.next_user = first_user
        self.ready = []          # residents waiting for a connection: [user, step, update_id]
        self.mid_flow = 0
        self.finished = []       # users whose last message was acknowledged
        self.acked = set()       # update_ids answered 200
        self.acked_at = {}       # update_id -> monotonic time of its 200
        self.last_ack = {}       # user -> monotonic time of their last 200
        self.statuses = {}       # HTTP status -> count (0 = no answer)
        self.latencies = []      # seconds, of 200s
        self.resends = 0
        self.users = []

    def _take(self, admit_more):
        def admit():
            return (self.total is None or len(self.users) < self.total) and admit_more()

        with self.lock:
            while True:
                if self.ready:
                    return self.ready.pop(0)
                if self.mid_flow < self.active and admit():
                    user = self.next_user
                    self.next_user += 1
                    self.users.append(user)
                    self.mid_flow += 1
                    return [user, 0, None]
                if self.mid_flow == 0 and not admit():
                    return None
                self.cond.wait(0.05)

    def run(self, admit=lambda: True, stop=lambda: False):
        def worker(index):
            client = self.client(index)
            while not stop():
                r = self._take(admit)
                if r is None:
                    break
                user, step, update_id = r
                if update_id is None:
                    update_id = next_update_id()
                status, seconds = client.post(text_update(update_id, user, self.flow[step]))
                now = time.monotonic()
                with self.lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status == 200:
                        self.acked.add(update_id)
                        self.acked_at[update_id] = now
                        self.last_ack[user] = now
                        self.latencies.append(seconds)
                        if step + 1 == len(self.flow):
                            self.finished.append(user)
                            self.mid_flow -= 1
                        else:
                            self.ready.append([user, step + 1, None])
                        self.cond.notify_all()
                        continue
                    self.resends += 1
                time.sleep(self.resend_delay)
                with self.lock:
                    self.ready.append([user, step, update_id])
                    self.cond.notify_all()
            client.close()

        workers = [threading.Thread(target=worker, args=(i,), daemon=True)
                   for i in range(self.threads)]
        for w in workers:
            w.start()
        return workers


# ---------------------------------------------------------------- checks on the database


def open_db(path):
    db = sqlite3.connect(path, timeout=10)
    db.execute("PRAGMA busy_timeout = 10000")
    return db


def integrity(path):
    db = open_db(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def tickets_per_user(path):
    db = open_db(path)
    try:
        rows = db.execute(
            "SELECT i.user_id, COUNT(t.id) FROM identities i LEFT JOIN tickets t "
            "ON t.reporter_person_id = i.person_id WHERE i.channel = ? GROUP BY i.user_id",
            (CHANNEL,)).fetchall()
        return {int(u): n for u, n in rows}
    finally:
        db.close()


def inbox_keys(path):
    db = open_db(path)
    try:
        return {k for (k,) in db.execute("SELECT platform_message_id FROM inbox WHERE channel = ?",
                                         (CHANNEL,))}
    finally:
        db.close()


def outbox_rows(path):
    """[(id, chat_id, status, kind, text, edit)] in id order."""
    db = open_db(path)
    try:
        out = []
        for rid, chat, status, payload in db.execute(
                "SELECT id, chat_id, status, payload FROM outbox ORDER BY id"):
            p = json.loads(payload)
            out.append((rid, chat, status, p.get("kind"), p.get("text", ""),
                        bool(p.get("edit_of"))))
        return out
    finally:
        db.close()


def outbox_counts(path):
    db = open_db(path)
    try:
        return dict(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
    finally:
        db.close()


def wait_outbox_drained(path, timeout, unsent=("pending", "sending")):
    """Waits until no outbox row is pending or sending. Returns seconds waited or None."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        counts = outbox_counts(path)
        if sum(counts.get(s, 0) for s in unsent) == 0:
            return time.monotonic() - t0
        time.sleep(0.1)
    return None


def sent_messages_by_chat(path):
    """chat -> texts of the outbox's sendMessage rows (text kind, not edits), in order, with
    their statuses: chat -> [(status, text)]."""
    out = {}
    for _rid, chat, status, kind, text, edit in outbox_rows(path):
        if kind == "text" and not edit:
            out.setdefault(chat, []).append((status, text))
    return out


def compare_deliveries(expected, delivered):
    """`expected`: the texts the outbox holds for a chat, in order; `delivered`: what the fake
    received (200). Returns (ok, duplicates): ok when `delivered` is `expected` with some
    messages repeated right after themselves (a send in flight at a kill, sent again)."""
    dups = 0
    i = 0
    for text in delivered:
        if i < len(expected) and text == expected[i]:
            i += 1
        elif i > 0 and text == expected[i - 1]:
            dups += 1
        else:
            return False, dups
    return i == len(expected), dups


class WorkDir:
    def __init__(self, keep, prefix):
        base = os.environ.get("TMPDIR") or "/tmp"
        self.path = tempfile.mkdtemp(prefix=prefix, dir=base)
        self.keep = keep

    def cleanup(self, failed):
        if self.keep or failed:
            log("work directory kept:", self.path)
            return
        subprocess.run(["rm", "-rf", self.path], check=False)


def main_wrapper(run):
    """Runs `run()`; exit 0 on success, 1 on a Failure (printed), SKIP when it returns SKIP."""
    try:
        rc = run()
    except Failure as e:
        log("FAILED:", e)
        return 1
    return rc or 0


if __name__ == "__main__":
    sys.exit("faultlib is a module; run one of the fault scripts")
