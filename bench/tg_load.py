#!/usr/bin/env python3
"""Telegram-side helpers for the scale benchmarks (bench/README.md, "Scale with data").

  tg_load.py fake-api PORTFILE
      A fake Bot API on 127.0.0.1 (a free port, written to PORTFILE) answering every call
      with {"ok":true,"result":{"message_id":1,...}} over keep-alive HTTP/1.1, as
      ../shared/bench/peers/linli's nginx does. Runs until killed.

  tg_load.py drive --url URL [--users N] [--first-user U] [--turns K] [--threads T]
                   [--seconds S] [--secret S]
      Posts real Telegram Updates to URL (linli's /webhook/<channel>) with the secret header:
      N distinct private users (ids U..U+N-1), each through the first K turns of the report
      flow (报事, 2, 3号楼2单元, a description, 跳过, 1; K=6 completes it), one user's turns in
      order, T connections. With --seconds it starts over with new users until S seconds have
      passed (the soak). A non-200 is retried (as Telegram redelivers); prints one RESULT line.

  tg_load.py launch --port P --log FILE -- COMMAND...
      Starts COMMAND (in its own session, output to FILE) and polls http://127.0.0.1:P/healthz
      every millisecond until it answers 200: prints "pid=N ready_ms=T" (T from just before the
      exec to the first 200) and exits, leaving COMMAND running. Exit 1 if it is not ready in
      30 s or exits first.

  tg_load.py get --url URL [--header H: V] [--repeat N] [--post BODY]
                 [--update-text TEXT --user ID]
      Times N requests (default 20) to URL on one keep-alive connection: prints the status,
      and min / median / max wall time in ms. For the query figures (board, admin list). With
      --update-text each request POSTs a fresh Telegram Update from user ID with that text
      (a webhook turn, e.g. 进度).
"""
import http.client
import http.server
import json
import socketserver
import statistics
import sys
import threading
import time
import urllib.parse

FLOW = ["报事", "2", "3号楼2单元", "楼道灯不亮了，晚上很黑", "跳过", "1"]
REPLY = json.dumps({"ok": True, "result": {"message_id": 1, "date": 1700000000,
                                           "chat": {"id": 1, "type": "private"}}}).encode()


class FakeApi(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(REPLY)))
        self.end_headers()
        self.wfile.write(REPLY)

    do_GET = do_POST

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256


def fake_api(portfile):
    srv = Server(("127.0.0.1", 0), FakeApi)
    with open(portfile, "w") as f:
        f.write(str(srv.server_address[1]))
    srv.serve_forever()


def arg(args, name, default):
    if name in args:
        i = args.index(name)
        return args[i + 1]
    return default


class Driver:
    def __init__(self, url, secret, turns):
        self.url = urllib.parse.urlsplit(url)
        self.secret = secret
        self.turns = turns
        self.lock = threading.Lock()
        self.update_id = 0
        self.ok = 0
        self.retries = 0
        self.latencies = []

    def next_update_id(self):
        with self.lock:
            self.update_id += 1
            return self.update_id

    def connect(self):
        return http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=30)

    def post(self, conn, body):
        headers = {"Content-Type": "application/json",
                   "X-Telegram-Bot-Api-Secret-Token": self.secret}
        for attempt in range(10):
            try:
                t0 = time.perf_counter()
                conn.request("POST", self.url.path, body, headers)
                resp = conn.getresponse()
                resp.read()
                dt = time.perf_counter() - t0
                if resp.status == 200:
                    return conn, dt
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = self.connect()
            with self.lock:
                self.retries += 1
            time.sleep(0.05 * (attempt + 1))
        raise RuntimeError("webhook kept failing")

    def user(self, conn, uid):
        for text in FLOW[: self.turns]:
            uid_ = self.next_update_id()
            body = json.dumps({"update_id": uid_, "message": {
                "message_id": uid_, "date": int(time.time()), "text": text,
                "from": {"id": uid, "is_bot": False, "first_name": "住户"},
                "chat": {"id": uid, "type": "private"}}}, ensure_ascii=False).encode()
            conn, dt = self.post(conn, body)
            with self.lock:
                self.ok += 1
                self.latencies.append(dt)
        return conn


def drive(args):
    url = arg(args, "--url", None)
    users = int(arg(args, "--users", "10000"))
    first = int(arg(args, "--first-user", "700000000"))
    turns = int(arg(args, "--turns", "3"))
    threads = int(arg(args, "--threads", "8"))
    seconds = float(arg(args, "--seconds", "0"))
    d = Driver(url, arg(args, "--secret", "bench-secret"), turns)
    next_user = [first]
    lock = threading.Lock()
    start = time.time()

    def take():
        with lock:
            if seconds > 0:
                if time.time() - start >= seconds:
                    return None
            elif next_user[0] >= first + users:
                return None
            u = next_user[0]
            next_user[0] += 1
            return u

    def work():
        conn = d.connect()
        while True:
            u = take()
            if u is None:
                break
            conn = d.user(conn, u)
        conn.close()

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.time() - start
    lat = sorted(d.latencies) or [0.0]
    print("RESULT users=%d turns=%d ok=%d retries=%d wall_s=%.1f req_s=%.0f p50_ms=%.2f "
          "p99_ms=%.2f" % (next_user[0] - first, turns, d.ok, d.retries, wall, d.ok / wall,
                           lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000),
          flush=True)


def get(args):
    url = urllib.parse.urlsplit(arg(args, "--url", None))
    repeat = int(arg(args, "--repeat", "20"))
    body = arg(args, "--post", None)
    headers = {}
    for i, a in enumerate(args):
        if a == "--header":
            k, v = args[i + 1].split(":", 1)
            headers[k.strip()] = v.strip()
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    target = url.path + ("?" + url.query if url.query else "")
    times, status, size = [], 0, 0
    text, user = arg(args, "--update-text", None), int(arg(args, "--user", "0"))
    base = int(time.time() * 1000) % 1000000000
    for i in range(repeat):
        if text is not None:  # a fresh Update each time (the same one would be a redelivery)
            body = json.dumps({"update_id": base + i, "message": {
                "message_id": base + i, "date": int(time.time()), "text": text,
                "from": {"id": user, "is_bot": False, "first_name": "住户"},
                "chat": {"id": user, "type": "private"}}}, ensure_ascii=False)
        t0 = time.perf_counter()
        conn.request("POST" if body else "GET", target, body.encode() if body else None, headers)
        resp = conn.getresponse()
        data = resp.read()
        times.append((time.perf_counter() - t0) * 1000)
        status, size = resp.status, len(data)
    print("status=%d bytes=%d min_ms=%.2f median_ms=%.2f max_ms=%.2f" %
          (status, size, min(times), statistics.median(times), max(times)), flush=True)


def launch(args):
    import subprocess
    port = int(arg(args, "--port", None))
    log = open(arg(args, "--log", "/dev/null"), "ab")
    cmd = args[args.index("--") + 1:]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    while time.perf_counter() - t0 < 30:
        if proc.poll() is not None:
            print("launch: exited with %d before it was ready" % proc.returncode, file=sys.stderr)
            sys.exit(1)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                print("pid=%d ready_ms=%.1f" % (proc.pid, (time.perf_counter() - t0) * 1000),
                      flush=True)
                return
        except OSError:
            pass
        time.sleep(0.001)
    proc.terminate()
    sys.exit("launch: not ready in 30 s")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "fake-api":
        fake_api(sys.argv[2])
    elif cmd == "drive":
        drive(sys.argv[2:])
    elif cmd == "launch":
        launch(sys.argv[2:])
    elif cmd == "get":
        get(sys.argv[2:])
    else:
        sys.exit(__doc__)
