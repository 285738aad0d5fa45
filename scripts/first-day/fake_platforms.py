#!/usr/bin/env python3
"""Local stand-ins for the Telegram Bot API and the WeChat Official Account API, for
scripts/first-day.sh: one HTTP server on 127.0.0.1 that answers like the platforms
(/shared/protocols telegram.md and wechat-official-account.md), records every request, and
plays Telegram's side of the webhook: it delivers updates to the URL `setWebhook` registered
(its host replaced by --deliver-origin, the loopback address the service listens on) with the
secret_token that was registered, and makes the Bot API call a webhook answer carries.

    fake_platforms.py --tg-token TOKEN --wx-appid APPID --wx-secret SECRET \
        --deliver-origin http://127.0.0.1:PORT [--port-file FILE] [--lifetime SECONDS]

The platform-issued credentials are the ones given: a wrong bot token is answered 401, a
wrong AppID 40013, a wrong AppSecret 40125 (as WeChat answers them). It stops by itself after
--lifetime seconds (default 600), when its parent process exits, or on SIGTERM/SIGINT.

Control API (for the story script, under /_fake/):
  GET  /_fake/requests[?platform=telegram|wechat&call=NAME]  the recorded platform requests
  GET  /_fake/telegram/webhook        what setWebhook registered ({} when none)
  POST /_fake/telegram/deliver        {"user": ID, "text": "..."} or {"update": {...}}, optional
                                      "origin" (https://127.0.0.1:PORT: a proxy in front):
                                      delivers it as Telegram would; answers {"status",
                                      "answer_call"}
  POST /_fake/telegram/load           {"residents", "threads", "first_user", "flow", "active"}:
                                      residents walk `flow` through the webhook (class Load)
  GET  /_fake/telegram/load           {"running", "finished": [[user, unix time of the 200 of
                                      their last message]], "started", "delivered", "statuses",
                                      "redelivered"}
  POST /_fake/telegram/load/stop      stops the residents (answers when they stopped)
Python 3 standard library only.
"""

import argparse
import http.client
import http.server
import itertools
import json
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_PORTS = (443, 80, 88, 8443)


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.requests = []
        self.seq = itertools.count(1)
        self.webhook = {}            # what setWebhook registered
        self.webhook_error = None    # (unix time, message) of the last failed delivery
        self.message_ids = itertools.count(1)
        self.update_ids = itertools.count(800000001)
        self.wx_tokens = []          # valid access tokens (the newest two, as WeChat overlaps them)
        self.wx_token_ids = itertools.count(1)
        self.wx_menu = None
        self.load = None

    def record(self, entry):
        with self.lock:
            entry["n"] = next(self.seq)
            entry["t"] = time.time()
            self.requests.append(entry)


def tg_answer(state, method, params):
    """(HTTP status, body) of one Bot API call with a valid token."""
    ok = lambda result, **extra: (200, dict({"ok": True, "result": result}, **extra))
    bad = lambda description: (400, {"ok": False, "error_code": 400,
                                     "description": "Bad Request: " + description})
    if method == "getMe":
        return ok({"id": 7000001, "is_bot": True, "first_name": "邻里", "username": "linli_first_day_bot",
                   "can_join_groups": True, "can_read_all_group_messages": False,
                   "supports_inline_queries": False})
    if method == "setWebhook":
        url = str(params.get("url", ""))
        if url == "":
            with state.lock:
                state.webhook = {}
            return ok(True, description="Webhook was deleted")
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            return bad("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in WEBHOOK_PORTS:
            return bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN_RE.match(str(secret)):
            return bad("secret token contains unallowed characters")
        with state.lock:
            previous = state.webhook
            state.webhook = {"url": url}
            if secret is not None:
                state.webhook["secret_token"] = str(secret)
            # Omitted allowed_updates keeps the previous setting (telegram.md 2).
            if "allowed_updates" in params:
                state.webhook["allowed_updates"] = params["allowed_updates"]
            elif "allowed_updates" in previous:
                state.webhook["allowed_updates"] = previous["allowed_updates"]
            state.webhook["drop_pending_updates"] = bool(params.get("drop_pending_updates", False))
            state.webhook_error = None
        return ok(True, description="Webhook was set")
    if method == "deleteWebhook":
        with state.lock:
            state.webhook = {}
        return ok(True, description="Webhook was deleted")
    if method == "getWebhookInfo":
        with state.lock:
            w = dict(state.webhook)
            error = state.webhook_error
        info = {"url": w.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}
        if w:
            info["max_connections"] = 40
            info["ip_address"] = "127.0.0.1"
            if "allowed_updates" in w:
                info["allowed_updates"] = w["allowed_updates"]
        if error:
            info["last_error_date"], info["last_error_message"] = error
        return ok(info)
    if method in ("sendMessage", "editMessageText", "sendPhoto"):
        if "chat_id" not in params:
            return bad("chat_id is empty")
        if method != "sendPhoto" and not str(params.get("text", "")):
            return bad("message text is empty")
        chat = params.get("chat_id")
        return ok({"message_id": next(state.message_ids), "date": int(time.time()),
                   "chat": {"id": chat, "type": "private"}, "text": params.get("text", "")})
    return ok(True)


def wx_error(code, msg):
    return {"errcode": code, "errmsg": "%s rid: fake-%d" % (msg, int(time.time()))}


def wx_answer(state, method, path, query, body):
    """The JSON answer of one WeChat API request (always HTTP 200, as WeChat answers)."""
    a = state.args
    if path in ("/cgi-bin/token", "/cgi-bin/stable_token"):
        p = query if path == "/cgi-bin/token" else (body if isinstance(body, dict) else {})
        if p.get("grant_type") != "client_credential":
            return wx_error(40002, "invalid grant_type")
        if p.get("appid") != a.wx_appid:
            return wx_error(40013, "invalid appid")
        if p.get("secret") != a.wx_secret:
            return wx_error(40125, "invalid appsecret")
        token = "FAKE_ACCESS_TOKEN_%d" % next(state.wx_token_ids)
        with state.lock:
            state.wx_tokens = (state.wx_tokens + [token])[-2:]
        return {"access_token": token, "expires_in": 7200}
    if path.startswith("/cgi-bin/"):
        with state.lock:
            valid = query.get("access_token") in state.wx_tokens
        if not valid:
            return wx_error(40001, "invalid credential, access_token is invalid or not latest")
    if path == "/cgi-bin/menu/create":
        if not isinstance(body, dict) or not isinstance(body.get("button"), list) or \
                not 1 <= len(body["button"]) <= 3:
            return wx_error(40016, "invalid button size")
        with state.lock:
            state.wx_menu = body
        return {"errcode": 0, "errmsg": "ok"}
    if path == "/cgi-bin/menu/get":
        with state.lock:
            menu = state.wx_menu
        if menu is None:
            return wx_error(46003, "menu no exist")
        return {"menu": menu}
    if path == "/cgi-bin/menu/delete":
        with state.lock:
            state.wx_menu = None
        return {"errcode": 0, "errmsg": "ok"}
    if path.startswith("/cgi-bin/message/"):
        return {"errcode": 0, "errmsg": "ok", "msgid": next(state.message_ids)}
    return wx_error(40066, "invalid url (not faked: %s)" % path)


def text_update(update_id, user, text):
    return {"update_id": update_id,
            "message": {"message_id": update_id % 1000000,
                        "from": {"id": user, "is_bot": False, "first_name": "居民",
                                 "language_code": "zh-hans"},
                        "chat": {"id": user, "first_name": "居民", "type": "private"},
                        "date": int(time.time()), "text": text}}


class TlsTo(http.client.HTTPSConnection):
    """HTTPS to an address with another name's SNI (the registered host), the certificate not
    verified: the proxies in front of the service have self-signed or internal ones here."""

    def __init__(self, address, port, name, timeout):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        super().__init__(address, port, timeout=timeout, context=ctx)
        self.name = name
        self.ctx = ctx

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self.ctx.wrap_socket(sock, server_hostname=self.name)


class Deliverer:
    """Telegram's side of the webhook: POSTs updates to the registered URL's path at `origin`
    (default --deliver-origin; an https:// one is reached with the registered host as SNI and
    Host), with the registered secret_token; one keep-alive connection."""

    def __init__(self, state, timeout=10.0, origin=None):
        self.state = state
        self.timeout = timeout
        self.origin = origin or state.args.deliver_origin
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def deliver(self, update, record_answer=True):
        """Returns (HTTP status or 0 for no answer, the answered call's method or None)."""
        with self.state.lock:
            w = dict(self.state.webhook)
        if not w.get("url"):
            return 0, None
        registered = urllib.parse.urlsplit(w["url"])
        path = registered.path or "/"
        origin = urllib.parse.urlsplit(self.origin)
        headers = {"Content-Type": "application/json"}
        if origin.scheme == "https":
            headers["Host"] = registered.netloc
        if "secret_token" in w:
            headers[SECRET_HEADER] = w["secret_token"]
        data = json.dumps(update, ensure_ascii=False).encode()
        for attempt in range(2):  # a kept-alive connection the server closed: once more
            try:
                if self.conn is None and origin.scheme == "https":
                    self.conn = TlsTo(origin.hostname, origin.port or 443, registered.hostname,
                                      self.timeout)
                elif self.conn is None:
                    self.conn = http.client.HTTPConnection(origin.hostname, origin.port,
                                                           timeout=self.timeout)
                self.conn.request("POST", path, data, headers)
                r = self.conn.getresponse()
                body = r.read()
                status = r.status
                content_type = r.getheader("Content-Type", "")
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                break
            except (OSError, http.client.HTTPException) as e:
                self.close()
                status, body, content_type = 0, str(e).encode(), ""
        if status // 100 != 2:
            with self.state.lock:
                self.state.webhook_error = (int(time.time()), "Wrong response from the webhook: %s"
                                            % (status or "connection failed"))
            return status, None
        call = None
        if content_type.startswith("application/json") and body:
            try:
                call = json.loads(body)
            except ValueError:
                call = None
        if not isinstance(call, dict) or not isinstance(call.get("method"), str):
            return status, None
        # What Telegram does with a webhook answer that is a Bot API call: makes it.
        method = call.pop("method")
        if record_answer:
            code, answer = tg_answer(self.state, method, call)
            self.state.record({"platform": "telegram", "call": method, "via": "webhook answer",
                               "http": "POST", "path": "/bot<token>/" + method,
                               "body": call, "status": code, "answer": answer})
        return status, method


class Load:
    """Residents walking a chat flow through the webhook as Telegram delivers it: at most
    `active` of them mid-flow, new ones starting as others finish, until `residents` have
    started or stop() is called. A resident's next message goes after the previous one was
    answered 200; an update not answered 200 is delivered again (the same update_id)."""

    def __init__(self, state, residents, threads, first_user, flow, active=16):
        self.state = state
        self.flow = flow
        self.lock = threading.Lock()
        self.residents = residents
        self.active = active
        self.next_user = first_user
        self.started = 0
        self.ready = []          # [user, step, update_id or None] of residents mid-flow
        self.mid_flow = 0
        self.finished = []
        self.delivered = 0
        self.redelivered = 0
        self.statuses = {}
        self.stopping = threading.Event()
        self.workers = [threading.Thread(target=self.work, daemon=True) for _ in range(threads)]
        for w in self.workers:
            w.start()

    def take(self):
        """The next message to deliver, None when there is nothing (yet), "done" when over."""
        with self.lock:
            if self.ready:
                return self.ready.pop(0)
            if self.mid_flow < self.active and self.started < self.residents:
                user = self.next_user
                self.next_user += 1
                self.started += 1
                self.mid_flow += 1
                return [user, 0, None]
            return "done" if self.mid_flow == 0 else None

    def work(self):
        d = Deliverer(self.state)
        while not self.stopping.is_set():
            r = self.take()
            if r == "done":
                break
            if r is None:
                time.sleep(0.005)
                continue
            user, step, update_id = r
            if update_id is None:
                update_id = next(self.state.update_ids)
            status, _ = d.deliver(text_update(update_id, user, self.flow[step]),
                                  record_answer=False)
            now = time.time()
            with self.lock:
                self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
                if status == 200:
                    self.delivered += 1
                    if step + 1 == len(self.flow):
                        self.finished.append([user, now])
                        self.mid_flow -= 1
                    else:
                        self.ready.append([user, step + 1, None])
                    continue
                self.redelivered += 1
            time.sleep(0.05)
            with self.lock:
                self.ready.append([user, step, update_id])  # the same update again
        d.close()

    def running(self):
        return any(w.is_alive() for w in self.workers)

    def stop(self):
        self.stopping.set()
        for w in self.workers:
            w.join(15)

    def report(self):
        with self.lock:
            return {"running": self.running(), "finished": list(self.finished),
                    "started": self.started, "delivered": self.delivered,
                    "redelivered": self.redelivered, "statuses": dict(self.statuses)}


def make_handler(state):
    token_path = "/bot" + state.args.tg_token + "/"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):
            pass

        def send_json(self, status, obj):
            data = json.dumps(obj, ensure_ascii=False).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass

        def read_body(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            ctype = self.headers.get("Content-Type", "")
            if not raw:
                return {}, raw
            try:  # WeChat reads JSON whatever the Content-Type says
                return json.loads(raw), raw
            except ValueError:
                pass
            if ctype.startswith("application/x-www-form-urlencoded"):
                return dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"))), raw
            return None, raw

        def do_GET(self):
            self.handle_any("GET")

        def do_POST(self):
            self.handle_any("POST")

        def handle_any(self, verb):
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            body, raw = self.read_body()
            if parts.path.startswith("/_fake/"):
                return self.control(verb, parts.path, query, body)
            if parts.path.startswith("/bot"):
                method = parts.path.rsplit("/", 1)[-1]
                params = dict(query)
                if isinstance(body, dict):
                    params.update(body)
                if not parts.path.startswith(token_path):
                    status, answer = 401, {"ok": False, "error_code": 401,
                                           "description": "Unauthorized"}
                else:
                    status, answer = tg_answer(state, method, params)
                state.record({"platform": "telegram", "call": method, "http": verb,
                              "path": "/bot<token>/" + method if status != 401 else "/bot<wrong token>/" + method,
                              "body": params, "status": status, "answer": answer})
                return self.send_json(status, answer)
            if parts.path.startswith("/cgi-bin/") or parts.path.startswith("/sns/"):
                answer = wx_answer(state, verb, parts.path, query, body)
                shown = {k: ("<secret>" if k == "secret" else v) for k, v in query.items()}
                state.record({"platform": "wechat", "call": parts.path, "http": verb,
                              "query": shown, "body": body if body is not None else raw.decode("utf-8", "replace"),
                              "secret_ok": query.get("secret") == state.args.wx_secret if "secret" in query else None,
                              "status": 200, "answer": answer})
                return self.send_json(200, answer)
            self.send_json(404, {"error": "not faked", "path": parts.path})

        def control(self, verb, path, query, body):
            body = body if isinstance(body, dict) else {}
            if verb == "GET" and path == "/_fake/requests":
                with state.lock:
                    out = [r for r in state.requests
                           if all(r.get(k) == v for k, v in query.items())]
                return self.send_json(200, out)
            if verb == "GET" and path == "/_fake/telegram/webhook":
                with state.lock:
                    return self.send_json(200, dict(state.webhook))
            if verb == "POST" and path == "/_fake/telegram/deliver":
                update = body.get("update") or text_update(next(state.update_ids),
                                                           int(body.get("user", 1)),
                                                           str(body.get("text", "")))
                d = Deliverer(state, origin=body.get("origin"))
                status, call = d.deliver(update)
                d.close()
                return self.send_json(200, {"status": status, "answer_call": call,
                                            "update_id": update.get("update_id")})
            if path == "/_fake/telegram/load":
                if verb == "POST":
                    if state.load is not None and state.load.running():
                        return self.send_json(409, {"error": "a load runs already"})
                    state.load = Load(state, int(body.get("residents", 50)),
                                      int(body.get("threads", 4)),
                                      int(body.get("first_user", 9100000)),
                                      list(body.get("flow") or ["/status"]),
                                      int(body.get("active", 16)))
                    return self.send_json(200, {"started": True})
                if state.load is None:
                    return self.send_json(404, {"error": "no load started"})
                return self.send_json(200, state.load.report())
            if verb == "POST" and path == "/_fake/telegram/load/stop":
                if state.load is not None:
                    state.load.stop()
                    return self.send_json(200, state.load.report())
                return self.send_json(404, {"error": "no load started"})
            self.send_json(404, {"error": "no such control", "path": path})

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tg-token", required=True, help="the bot token this fake Telegram issued")
    ap.add_argument("--wx-appid", required=True)
    ap.add_argument("--wx-secret", required=True)
    ap.add_argument("--deliver-origin", required=True,
                    help="http://127.0.0.1:PORT: where webhook deliveries really go")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--lifetime", type=float, default=600.0, help="stop after this many seconds")
    args = ap.parse_args()

    state = State(args)

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", args.port), make_handler(state))
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid()
    deadline = time.monotonic() + args.lifetime

    def watchdog():
        while time.monotonic() < deadline and os.getppid() == parent:
            time.sleep(0.5)
        stop()

    threading.Thread(target=watchdog, daemon=True).start()
    server.serve_forever(poll_interval=0.2)
    if state.load is not None:
        state.load.stopping.set()
    server.server_close()


if __name__ == "__main__":
    main()
