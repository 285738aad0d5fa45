#!/usr/bin/env python3
"""A real community's first day (issue 15 "Done when"), as the person who deploys Linli would
live it, on a bare Debian 12 booted with systemd-nspawn. Run by scripts/first-day.sh (which
builds the package and checks the tools); every step is checked and a failed check stops the
story with what was expected and what came back.

The container shares the host's network (systemd-nspawn without --private-network), so the
fake platforms (fake_platforms.py, started here on 127.0.0.1) are reachable from inside it,
and the service inside listens on a free loopback port of the host. Commands run inside the
booted system through nsenter, each with a clean environment, as root or (runuser) as linli.

The only things the story does that a real operator would not: it points the two channels'
api_base at the fakes (the real ones are api.telegram.org and api.weixin.qq.com), uses a free
port instead of 8080 (the host's network is shared), and plays the platforms' side (issuing
the credentials, delivering webhooks).

Python 3 standard library only; every wait is bounded; everything started here stops by
itself (the container under `timeout`, the fakes after --lifetime or when this exits).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.path.join(HERE, "..", ".."))

# What the platforms issue to the operator (the fakes accept exactly these).
TG_TOKEN = "7000001:AAFirstDayTokenFromBotFather_x1"
WX_APPID = "wx5f1d2c3b4a596877"
WX_SECRET = "8c0f2e6a1b9d4c7e5f3a2b1c0d9e8f7a"
WX_SECRET_TYPO = WX_SECRET[:-1] + "b"  # one character mistyped from the console

COMPOUND = "幸福里小区"
PUBLIC_URL = "https://linli.example.org"
CONFIG = "/etc/linli/linli.json"
ENV = "/etc/linli/linli.env"
DB = "/var/lib/linli/linli.db"
BACKUP = "/var/lib/linli/backups/first-day.db"
ROSTER = """building,unit,room,area_m2,owner_name,phone
1,1,101,89.5,张建国,13800001101
1,1,102,76.0,李秀英,13800001102
1,2,201,120.25,王磊,
2,1,101,88.8,陈静,13900002101
2,1,102,88.8,刘洋,
3,1,101,98.1,赵敏,13700003101
3,2,301,98.1,孙伟,13700003301
3,2,302,105.0,周芳,
"""
# A resident's report, one webhook per message: 报事, category 2, location, description,
# no photo, confirm (as scripts/faults/ residents walk it).
REPORT_FLOW = ["报事", "2", "3号楼2单元", "楼道灯坏了", "跳过", "1"]
T0 = time.monotonic()


class Failure(Exception):
    pass


def say(*parts):
    print("[%5.1fs]" % (time.monotonic() - T0), *parts, flush=True)


def shown(text, limit=40):
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    out = ["      | " + l for l in lines[:limit]]
    if len(lines) > limit:
        out.append("      | ... (%d more lines)" % (len(lines) - limit))
    return "\n".join(out)


def expect(condition, what, context=""):
    if not condition:
        raise Failure(what + ("\n" + shown(context) if context else ""))
    say("  ok:", what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(method, url, body=None, headers=None, timeout=10.0):
    """(status, body text); status 0 when nothing answered."""
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError as e:
        return 0, str(e)


# ------------------------------------------------------------------ the machine


class Box:
    """A bare Debian 12 root (the cached debootstrap tarball of scripts/deb-smoke.sh), booted
    with systemd-nspawn under `timeout`; run() executes a shell command inside it."""

    def __init__(self, work, cache, lifetime):
        self.work = work
        self.root = os.path.join(work, "root")
        self.cache = cache
        self.lifetime = lifetime
        self.proc = None
        self.leader = None

    def prepare(self):
        os.makedirs(self.root)
        if os.path.exists(self.cache):
            subprocess.run(["tar", "-C", self.root, "-xzf", self.cache], check=True)
            return "from the cache " + self.cache
        say("debootstrap bookworm (once; cached in %s)" % self.cache)
        log = os.path.join(self.work, "debootstrap.log")
        with open(log, "w") as f:
            if subprocess.run(["debootstrap", "--variant=minbase", "bookworm", self.root,
                               "http://deb.debian.org/debian"], stdout=f, stderr=f).returncode:
                raise Failure("debootstrap failed: " + log)
            if subprocess.run(["chroot", self.root, "/bin/sh", "-c",
                               "DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
                               "--no-install-recommends systemd systemd-sysv dbus curl ca-certificates"],
                              stdout=f, stderr=f).returncode:
                raise Failure("installing systemd in the root failed: " + log)
        os.makedirs(os.path.dirname(self.cache), exist_ok=True)
        subprocess.run(["tar", "-C", self.root, "-czf", self.cache, "."], check=True)
        return "debootstrapped, now cached in " + self.cache

    def boot(self):
        shutil.copyfile("/etc/resolv.conf", os.path.join(self.root, "etc/resolv.conf"))
        self.log = open(os.path.join(self.work, "boot.log"), "w")
        self.proc = subprocess.Popen(
            ["timeout", str(int(self.lifetime)), "systemd-nspawn", "-q", "--register=no",
             "--keep-unit", "-D", self.root, "-b"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        nspawn = None
        while time.monotonic() < deadline and self.leader is None:
            if self.proc.poll() is not None:
                raise Failure("systemd-nspawn exited at once (%s)" % self.log.name)
            nspawn = nspawn or self._child(self.proc.pid)
            self.leader = self._child(nspawn) if nspawn else None
            time.sleep(0.1)
        if self.leader is None:
            raise Failure("the container's init did not appear")
        rc, out = self.run("systemctl is-system-running --wait", timeout=90, check=False)
        return out.strip()

    @staticmethod
    def _child(pid):
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                kids = f.read().split()
            return int(kids[0]) if kids else None
        except OSError:
            return None

    def run(self, command, user=None, timeout=60, check=True, stdin=None):
        """Runs `command` with sh inside the booted system, in a clean environment (root's, or
        the linli user's through runuser). Returns (exit code, stdout+stderr)."""
        if user:
            command = "runuser -u %s -- sh -c %s" % (user, shlex_quote(command))
        argv = ["nsenter", "-t", str(self.leader), "-m", "-u", "-i", "-p", "-r", "-w", "--",
                "/usr/bin/env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=/root", "LANG=C.UTF-8", "TERM=dumb", "/bin/sh", "-c", "cd /root && " + command]
        try:
            p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure("timed out after %d s: %s" % (timeout, command))
        out = p.stdout.decode("utf-8", "replace")
        if check and p.returncode != 0:
            raise Failure("exit code %d: %s" % (p.returncode, command), ) if not out else \
                Failure("exit code %d: %s\n%s" % (p.returncode, command, shown(out)))
        return p.returncode, out

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def poweroff(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.leader:
            try:
                self.run("systemctl poweroff", timeout=10, check=False)
            except Failure:
                pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.terminate()  # timeout(1) passes it on to systemd-nspawn
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def shlex_quote(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"


def env_values(text):
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def menu_key(command):
    return "LINLI_" + command.encode().hex().upper()


# ------------------------------------------------------------------ the story


class Story:
    def __init__(self, args):
        self.args = args
        self.steps = []
        self.work = tempfile.mkdtemp(prefix="linli-first-day.", dir="/var/tmp")
        self.box = Box(self.work, args.rootfs, args.time_limit)
        self.port = free_port()
        self.fake = None
        self.fake_url = None

    # One command inside, shown as the operator would type it, its output indented.
    def sh(self, command, user=None, expect_rc=0, timeout=60, stdin=None, show=True):
        prompt = "linli$" if user == "linli" else "root#"
        say("  %s %s" % (prompt, command))
        rc, out = self.box.run(command, user=user, timeout=timeout, check=False, stdin=stdin)
        if show and out.strip():
            print(shown(out), flush=True)
        if expect_rc is not None and rc != expect_rc:
            raise Failure("exit code %d (expected %d): %s" % (rc, expect_rc, command))
        return out

    def fake_get(self, path):
        status, body = http("GET", self.fake_url + path)
        if status != 200:
            raise Failure("the fake platforms answered %d to %s: %s" % (status, path, body))
        return json.loads(body)

    def fake_post(self, path, body, timeout=30.0):
        status, text = http("POST", self.fake_url + path, body, timeout=timeout)
        if status != 200:
            raise Failure("the fake platforms answered %d to %s: %s" % (status, path, text))
        return json.loads(text)

    def step(self, title, fn):
        say("== %d. %s" % (len(self.steps) + 1, title))
        t = time.monotonic()
        fn()
        self.steps.append((title, time.monotonic() - t))

    def run(self):
        failed = True
        try:
            self.step("a bare Debian 12, booted", self.s_boot)
            self.step("install the package: apt-get install ./linli_*.deb", self.s_install)
            self.step("linli init --roster roster.csv (Telegram and WeChat)", self.s_init)
            self.step("the platforms' values into linli.env (one mistyped); the roster in",
                      self.s_fill_in)
            self.step("linli check --online: the wrong secret, with its hint", self.s_check_wrong)
            self.step("the secret fixed; linli telegram set-webhook; check --online all ok",
                      self.s_fix_and_webhook)
            self.step("linli wechat menu push / show", self.s_menu)
            self.step("systemctl enable --now linli: /healthz", self.s_start)
            self.step("a signed Telegram webhook through the service, its reply at Telegram",
                      self.s_webhook)
            self.step("HTTPS in front: the nginx and Caddy examples of docs/DEPLOY.md",
                      self.s_https)
            self.step("linli backup under webhook load; restore into the stopped service",
                      self.s_backup_restore)
            self.step("linli status in zh-CN and en", self.s_status)
            self.step("the other commands of docs/DEPLOY.md", self.s_deploy_commands)
            failed = False
        except Failure as e:
            say("FAILED:", e)
            self.dump_service_log()
        except Exception:  # a bug of the story itself (or of the fakes' answers): loud too
            say("FAILED: the story broke:\n" + traceback.format_exc())
            self.dump_service_log()
        finally:
            self.box.poweroff()
            if self.fake is not None and self.fake.poll() is None:
                self.fake.terminate()
                try:
                    self.fake.wait(10)
                except subprocess.TimeoutExpired:
                    self.fake.kill()
            if self.args.keep:
                say("work directory kept:", self.work)
            elif failed:
                # The logs, the config and the journal; not the whole root (hundreds of MB).
                for keep in ("etc/linli", "var/log/journal"):
                    if os.path.isdir(self.box.path(keep)):
                        shutil.copytree(self.box.path(keep), os.path.join(self.work, keep),
                                        dirs_exist_ok=True)
                shutil.rmtree(self.box.root, ignore_errors=True)
                say("logs kept in %s (--keep keeps the root too)" % self.work)
            else:
                shutil.rmtree(self.work, ignore_errors=True)
        total = time.monotonic() - T0
        say("== summary (%.0f s)" % total)
        for title, seconds in self.steps:
            print("  %5.1fs  ok  %s" % (seconds, title))
        if failed:
            print("  FAILED at step %d" % (len(self.steps) + 1))
            return 1
        print("first-day: ok - %d steps in %.0f s" % (len(self.steps), total))
        return 0

    def dump_service_log(self):
        if self.box.leader and self.box.proc and self.box.proc.poll() is None:
            try:
                _, out = self.box.run("journalctl -u linli --no-pager -n 30", check=False, timeout=15)
                print("--- journalctl -u linli (last 30 lines)\n" + shown(out), flush=True)
            except Failure:
                pass

    # -- 1
    def s_boot(self):
        how = self.box.prepare()
        say("  root:", how)
        state = self.box.boot()
        expect(state in ("running", "degraded"), "systemd inside is up (%s)" % state)
        _, out = self.box.run("cat /etc/debian_version; command -v linli sudo python3 || true")
        lines = out.split()
        expect(lines[0].startswith("12."), "Debian %s" % lines[0])
        expect(len(lines) == 1, "nothing but the base system: no linli, sudo or python3", out)

    # -- 2
    def s_install(self):
        deb = os.path.basename(self.args.deb)
        shutil.copyfile(self.args.deb, self.box.path("/root/" + deb))
        self.sh("apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive "
                "apt-get install -y -q ./%s 2>&1 | tail -n 3" % deb, timeout=300)
        out = self.sh("linli --version && getent passwd linli && stat -c '%U:%G %a %n' "
                      "/etc/linli /etc/linli/linli.json /etc/linli/linli.env /var/lib/linli")
        expect("linli:x:" in out, "the package created the linli user", out)
        expect("root:linli 750 /etc/linli" in out and "linli:linli 750 /var/lib/linli" in out,
               "/etc/linli root:linli 0750, /var/lib/linli linli's", out)
        out = self.sh("systemctl is-enabled linli; systemctl is-active linli", expect_rc=None)
        expect("disabled" in out and "inactive" in out,
               "the service is installed but neither enabled nor started", out)

    # -- 3
    def s_init(self):
        with open(self.box.path("/root/roster.csv"), "w") as f:
            f.write(ROSTER)
        os.chmod(self.box.path("/root/roster.csv"), 0o600)
        # As docs/DEPLOY.md section 2; --port only because the host's network is shared.
        out = self.sh("cd /etc/linli && mv linli.json linli.json.demo && mv linli.env linli.env.demo && "
                      "linli init --name %s --roster /root/roster.csv --channels telegram,wechat "
                      "--public-url %s --port %d --out linli.json --env-out linli.env"
                      % (COMPOUND, PUBLIC_URL, self.port))
        expect("3" in out and "8" in out and COMPOUND in out, "init names the compound, 3 buildings, 8 households", out)
        out = self.sh("cd /etc/linli && linli init --name x --roster /root/roster.csv --channels "
                      "telegram --public-url %s" % PUBLIC_URL, expect_rc=1)
        expect(re.search("linli.json", out) is not None, "a second init refuses to overwrite", out)
        with open(self.box.path(CONFIG)) as f:
            cfg = f.read()
        with open(self.box.path(ENV)) as f:
            env = f.read()
        self.env = env_values(env)
        expect(set(self.env) == {"LINLI_TG_TOKEN", "LINLI_TG_SECRET", "LINLI_WX_APPID",
                                 "LINLI_WX_SECRET", "LINLI_WX_TOKEN", "LINLI_WX_AESKEY",
                                 "LINLI_ADMIN_TOKEN"},
               "linli.env names the Telegram and WeChat values and the admin key", env)
        expect(all(self.env[k] == "" for k in ("LINLI_TG_TOKEN", "LINLI_WX_APPID", "LINLI_WX_SECRET")),
               "the platform-issued values are left to fill in")
        expect(len(self.env["LINLI_TG_SECRET"]) >= 16 and len(self.env["LINLI_WX_AESKEY"]) == 43,
               "secret_token and EncodingAESKey generated (43 characters)")
        expect(not any(v and v in cfg for v in self.env.values()), "linli.json holds no secret")
        comment = env.split("LINLI_TG_SECRET=")[0].rsplit("\nLINLI_TG_TOKEN=", 1)[-1]
        expect("linli telegram set-webhook" in comment,
               "the secret_token's comment says `linli telegram set-webhook` registers it", comment)
        for where in ("@BotFather", "设置与开发 → 基本配置", "IP白名单", "服务器配置", "安全模式",
                      PUBLIC_URL + "/webhook/wechat"):
            expect(where in env, "the env file says where: %s" % where)
        expect('"menu"' in cfg and "报事" in cfg, "the WeChat channel has a menu to push", cfg)
        st = os.stat(self.box.path(ENV))
        expect(st.st_mode & 0o777 == 0o600, "linli.env written with mode 0600")

    # -- 4
    def s_fill_in(self):
        # The stand-in for the real platforms: the one edit a real operator does not make.
        self.fake_port_file = os.path.join(self.work, "fake.port")
        self.fake = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fake_platforms.py"), "--tg-token", TG_TOKEN,
             "--wx-appid", WX_APPID, "--wx-secret", WX_SECRET,
             "--deliver-origin", "http://127.0.0.1:%d" % self.port,
             "--port-file", self.fake_port_file, "--lifetime", str(int(self.args.time_limit))],
            stdout=open(os.path.join(self.work, "fake.log"), "w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.fake_port_file):
            if time.monotonic() > deadline or self.fake.poll() is not None:
                raise Failure("the fake platforms did not start (see fake.log)")
            time.sleep(0.05)
        with open(self.fake_port_file) as f:
            self.fake_url = "http://127.0.0.1:%d" % int(f.read())
        say("  fake Telegram and WeChat on", self.fake_url)
        self.sh("sed -i -e 's#\"https://api.telegram.org\"#\"%s\"#' -e "
                "'s#\"https://api.weixin.qq.com\"#\"%s\"#' %s && grep -n api_base %s"
                % (self.fake_url, self.fake_url, CONFIG, CONFIG))
        # What the operator pastes from @BotFather and the 公众平台 (the AppSecret mistyped).
        self.sh("sed -i -e 's/^LINLI_TG_TOKEN=$/LINLI_TG_TOKEN=%s/' -e 's/^LINLI_WX_APPID=$/"
                "LINLI_WX_APPID=%s/' -e 's/^LINLI_WX_SECRET=$/LINLI_WX_SECRET=%s/' %s"
                % (TG_TOKEN, WX_APPID, WX_SECRET_TYPO, ENV))
        self.sh("chown root:linli %s %s && chmod 0640 %s %s" % (CONFIG, ENV, CONFIG, ENV))
        # docs/DEPLOY.md section 2: the roster into the service's database, as the linli user.
        out = self.sh("runuser -u linli -- linli roster import - --config %s < /root/roster.csv"
                      % CONFIG)
        expect("8" in out, "8 households imported", out)
        out = self.sh("linli roster list --config %s" % CONFIG, user="linli")
        expect("孙伟" not in out and "13700003301" not in out and "301" in out,
               "roster list masks names and phones", out)
        out = self.sh("stat -c '%U %n' /var/lib/linli/*")
        expect(all(l.startswith("linli ") for l in out.split("\n") if l), "the database is linli's", out)

    # -- 5
    def s_check_wrong(self):
        out = self.sh("set -a; . %s; set +a; linli check --config %s" % (ENV, CONFIG))
        expect("telegram" in out and "wechat" in out, "offline: the config is valid, 2 channels", out)
        out = self.sh("set -a; . %s; set +a; linli check --config %s --online" % (ENV, CONFIG),
                      expect_rc=1)
        line = [l for l in out.split("\n") if l.startswith("wechat")]
        expect(line and "40125" in line[0] and "密钥不对" in line[0],
               "wechat: 40125 with the wrong-secret hint", out)
        tg = [l for l in out.split("\n") if l.startswith("telegram")]
        expect(tg and "linli telegram set-webhook" in tg[0],
               "telegram: the token works, no webhook yet, with the command that sets it", out)
        tokens = self.fake_get("/_fake/requests?platform=wechat&call=/cgi-bin/token")
        expect(tokens and tokens[-1]["query"].get("appid") == WX_APPID and
               tokens[-1]["secret_ok"] is False,
               "WeChat was asked for a token with the AppID and the mistyped secret")
        me = self.fake_get("/_fake/requests?platform=telegram&call=getMe")
        expect(me and me[-1]["status"] == 200, "Telegram getMe answered with the right token")

    # -- 6
    def s_fix_and_webhook(self):
        self.sh("sed -i 's/^LINLI_WX_SECRET=.*/LINLI_WX_SECRET=%s/' %s" % (WX_SECRET, ENV))
        out = self.sh("set -a; . %s; set +a; linli telegram set-webhook --config %s --public-url %s"
                      % (ENV, CONFIG, PUBLIC_URL))
        calls = self.fake_get("/_fake/requests?platform=telegram&call=setWebhook")
        expect(len(calls) == 1, "one setWebhook reached Telegram", json.dumps(calls, ensure_ascii=False))
        body = calls[0]["body"]
        expect(body.get("url") == PUBLIC_URL + "/webhook/telegram",
               "setWebhook url = %s/webhook/telegram" % PUBLIC_URL, json.dumps(body))
        expect(body.get("secret_token") == self.env["LINLI_TG_SECRET"],
               "setWebhook secret_token = LINLI_TG_SECRET of linli.env")
        expect(body.get("allowed_updates") == ["message", "callback_query"],
               "setWebhook allowed_updates = [message, callback_query]", json.dumps(body))
        expect("drop_pending_updates" not in body, "no drop_pending_updates unless asked")
        out = self.sh("set -a; . %s; set +a; linli telegram webhook-info --config %s" % (ENV, CONFIG))
        expect(PUBLIC_URL + "/webhook/telegram" in out, "webhook-info shows the registered URL", out)
        out = self.sh("set -a; . %s; set +a; linli check --config %s --online" % (ENV, CONFIG))
        oks = [l for l in out.split("\n") if l.startswith(("telegram", "wechat"))]
        expect(len(oks) == 2 and all(("正常" in l or ": ok" in l) for l in oks),
               "check --online: both channels ok", out)

    # -- 7
    def s_menu(self):
        out = self.sh("set -a; . %s; set +a; linli wechat menu push --config %s" % (ENV, CONFIG))
        pushes = self.fake_get("/_fake/requests?platform=wechat&call=/cgi-bin/menu/create")
        expect(len(pushes) == 1 and pushes[0]["answer"].get("errcode") == 0,
               "one menu/create reached WeChat, answered errcode 0")
        click = lambda name, command: {"type": "click", "name": name, "key": menu_key(command)}
        view = lambda name, path: {"type": "view", "name": name, "url": PUBLIC_URL + path}
        want = {"button": [click("报事", "报事"), click("进度", "进度"),
                           {"name": "更多", "sub_button": [click("心愿", "心愿"), click("投票", "投票"),
                                                           view("公示栏", "/board"), view("我的", "/me")]}]}
        got = pushes[0]["body"]
        expect(got == want, "the menu JSON: 报事, 进度 and 更多 [心愿, 投票, 公示栏 /board, 我的 /me]",
               "got:  " + json.dumps(got, ensure_ascii=False) + "\nwant: " +
               json.dumps(want, ensure_ascii=False))
        expect(pushes[0]["query"].get("access_token", "").startswith("FAKE_ACCESS_TOKEN_"),
               "pushed with an access_token fetched with the fixed secret")
        out = self.sh("set -a; . %s; set +a; linli wechat menu show --config %s" % (ENV, CONFIG))
        expect("-> 报事" in out and "/board" in out, "menu show maps the keys back to commands", out)

    # -- 8
    def s_start(self):
        self.sh("systemctl enable --now linli 2>&1")
        status, body = 0, ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status, body = http("GET", "http://127.0.0.1:%d/healthz" % self.port, timeout=2)
            if status == 200:
                break
            time.sleep(0.2)
        expect(status == 200 and '"status":"ok"' in body.replace(" ", ""),
               "/healthz answers 200 %s" % body.strip())
        out = self.sh("systemctl show linli -p ActiveState -p User -p NoNewPrivileges -p ProtectSystem; "
                      "stat -c %U /proc/$(systemctl show -p MainPID --value linli)")
        expect("ActiveState=active" in out and "User=linli" in out and
               "ProtectSystem=strict" in out and "NoNewPrivileges=yes" in out,
               "active as user linli, ProtectSystem=strict, NoNewPrivileges", out)
        expect(out.strip().split("\n")[-1].strip() == "linli", "the process runs as linli", out)

    # -- 9
    def s_webhook(self):
        user = 5550001
        answer = self.fake_post("/_fake/telegram/deliver", {"user": user, "text": "报事"})
        expect(answer["status"] == 200, "Telegram's delivery with the registered secret_token: 200")
        deadline = time.monotonic() + 10
        replies = []
        while time.monotonic() < deadline:
            replies = [r for r in self.fake_get("/_fake/requests?platform=telegram&call=sendMessage")
                       if str(r["body"].get("chat_id")) == str(user)]
            if replies:
                break
            time.sleep(0.1)
        expect(replies, "the reply reached Telegram (sendMessage to the resident's chat)")
        text = replies[0]["body"].get("text", "")
        say("    reply (%s): %s" % (replies[0].get("via", "Bot API call"), text.split("\n")[0]))
        expect(bool(text.strip()), "the reply has text")
        status, _ = http("POST", "http://127.0.0.1:%d/webhook/telegram" % self.port,
                         {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()),
                                                      "chat": {"id": 1, "type": "private"},
                                                      "from": {"id": 1, "is_bot": False, "first_name": "x"},
                                                      "text": "报事"}},
                         {"X-Telegram-Bot-Api-Secret-Token": "not-the-registered-one"})
        expect(status in (401, 403), "a delivery with another secret_token is refused (%d)" % status)

    # -- 10
    def s_https(self):
        blocks = deploy_blocks()
        expect(set(blocks) >= {"nginx", "caddy"}, "docs/DEPLOY.md has an nginx and a Caddy example")
        # As the guide says, but the proxies must not start on install: their default sites
        # would listen on port 80 of the host (its network is shared).
        self.sh("printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d && chmod 0755 "
                "/usr/sbin/policy-rc.d && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "
                "--no-install-recommends nginx caddy openssl 2>&1 | tail -n 1; "
                "rm -f /usr/sbin/policy-rc.d", timeout=300)
        tls, plain, caddy = free_port(), free_port(), free_port()
        # nginx: the guide's server blocks on loopback ports, a self-signed certificate where
        # certbot would put Let's Encrypt's.
        conf = blocks["nginx"]
        for a, b in (("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % tls),
                     ("listen 80;", "listen 127.0.0.1:%d;" % plain),
                     ("http://127.0.0.1:8080", "http://127.0.0.1:%d" % self.port)):
            expect(a in conf, "the nginx example has %s" % a, conf)
            conf = conf.replace(a, b)
        with open(self.box.path("/etc/nginx/sites-available/linli"), "w") as f:
            f.write(conf)
        live = "/etc/letsencrypt/live/linli.example.org"
        out = self.sh("rm -f /etc/nginx/sites-enabled/default && ln -s ../sites-available/linli "
                      "/etc/nginx/sites-enabled/linli && install -d %s && openssl req -x509 "
                      "-newkey rsa:2048 -nodes -days 2 -subj /CN=linli.example.org -keyout "
                      "%s/privkey.pem -out %s/fullchain.pem 2>/dev/null && nginx -t 2>&1 && "
                      "systemctl start nginx" % (live, live, live))
        expect("syntax is ok" in out, "nginx -t accepts the example", out)
        self.through_proxy("nginx", tls)
        status, _, location = https_get(plain, "/board", tls=False)
        expect(status == 301 and location.startswith("https://linli.example.org/board"),
               "nginx: http:// is redirected to https:// (%d %s)" % (status, location))
        self.sh("systemctl stop nginx")
        # Caddy: the guide's site, with Caddy's internal CA instead of Let's Encrypt's.
        site = blocks["caddy"]
        for a, b in (("linli.example.org {", "https://linli.example.org:%d {\n    bind 127.0.0.1\n"
                      "    tls internal" % caddy),
                     ("127.0.0.1:8080", "127.0.0.1:%d" % self.port)):
            expect(a in site, "the Caddy example has %s" % a, site)
            site = site.replace(a, b)
        with open(self.box.path("/etc/caddy/Caddyfile"), "w") as f:
            f.write("{\n    admin off\n    skip_install_trust\n    auto_https disable_redirects\n}\n"
                    + site)
        out = self.sh("caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile 2>&1 | "
                      "tail -n 1 && systemctl start caddy")
        expect("Valid configuration" in out, "caddy validate accepts the example", out)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and https_get(caddy, "/board")[0] != 200:
            time.sleep(0.2)
        self.through_proxy("Caddy", caddy)
        self.sh("systemctl stop caddy")

    def through_proxy(self, name, port):
        """A Telegram delivery and the public and private paths through the proxy on `port`."""
        user = 5550002 if name == "nginx" else 5550003
        answer = self.fake_post("/_fake/telegram/deliver",
                                {"user": user, "text": "进度", "origin": "https://127.0.0.1:%d" % port})
        expect(answer["status"] == 200, "%s: Telegram's delivery to https://linli.example.org"
               "/webhook/telegram reaches the service (200)" % name)
        replies = [r for r in self.fake_get("/_fake/requests?platform=telegram&call=sendMessage")
                   if str(r["body"].get("chat_id")) == str(user)]
        expect(replies, "%s: the reply reached Telegram" % name)
        for path, want in (("/board", 200), ("/healthz", 404), ("/metrics", 404),
                           ("/api/admin/tickets", 404)):
            status = https_get(port, path)[0]
            expect(status == want, "%s: %s answers %d through the proxy" % (name, path, status))

    # -- 11
    def s_backup_restore(self):
        # Residents keep reporting (at most 16 mid-flow) until stopped after the backup.
        self.fake_post("/_fake/telegram/load", {"residents": 3000, "threads": 4, "active": 16,
                                               "first_user": 9100000, "flow": REPORT_FLOW})
        deadline = time.monotonic() + 60
        report = {}
        while time.monotonic() < deadline:
            report = self.fake_get("/_fake/telegram/load")
            if len(report["finished"]) >= 20:
                break
            time.sleep(0.1)
        expect(len(report["finished"]) >= 20, "residents report through the webhook (%d done)"
               % len(report["finished"]), json.dumps(report)[:500])
        began = time.time()
        # docs/DEPLOY.md section 7, as the linli user (the directory is the operator's to make).
        out = self.sh("install -d -o linli -g linli -m 0700 /var/lib/linli/backups && "
                      "runuser -u linli -- linli backup --config %s --to %s" % (CONFIG, BACKUP))
        after = self.fake_get("/_fake/telegram/load")
        acked_before = {u for u, t in after["finished"] if t < began}
        expect(after["delivered"] > report["delivered"],
               "webhooks kept being answered while the backup ran (%d -> %d answered)"
               % (report["delivered"], after["delivered"]))
        expect("integrity_check" in out, "backup checked itself", out)
        report = self.fake_post("/_fake/telegram/load/stop", {}, timeout=30)
        say("    load: %d residents finished, %d webhooks answered, statuses %s, %d redelivered"
            % (len(report["finished"]), report["delivered"], report["statuses"], report["redelivered"]))
        backup = self.box.path(BACKUP)
        expect(integrity(backup) == "ok", "the backup passes PRAGMA integrity_check")
        in_backup = tickets_by_user(backup)
        missing = sorted(u for u in acked_before if in_backup.get(u, 0) < 1)
        expect(not missing, "every ticket acknowledged before the backup began is in it (%d of %d "
               "residents; the backup holds %d tickets)" % (len(acked_before), len(acked_before),
                                                           sum(in_backup.values())),
               "missing: %s" % missing)
        self.sh("systemctl stop linli")
        out = self.sh("runuser -u linli -- linli restore --config %s --from %s" % (CONFIG, BACKUP))
        expect("before-restore" in out, "restore keeps the replaced database", out)
        self.sh("systemctl start linli")
        deadline = time.monotonic() + 20
        status = 0
        while time.monotonic() < deadline and status != 200:
            status, _ = http("GET", "http://127.0.0.1:%d/healthz" % self.port, timeout=2)
            time.sleep(0.2)
        expect(status == 200, "the service serves again on the restored database")
        live = self.box.path(DB)
        expect(integrity(live) == "ok", "the restored database passes PRAGMA integrity_check")
        restored = tickets_by_user(live)
        expect(all(restored.get(u, 0) >= 1 for u in acked_before) and
               sum(restored.values()) == sum(in_backup.values()),
               "the restored database holds the backup's %d tickets" % sum(in_backup.values()))

    # -- 12
    def s_status(self):
        zh = self.sh("linli status --config %s" % CONFIG)
        for word in ("邻里运行状态", "数据库", "数据结构", "工单", "待受理", "发件箱", "定时任务", "上次运行"):
            expect(word in zh, "zh-CN status says %s" % word)
        en = self.sh("linli status --config %s --locale en" % CONFIG)
        for word in ("Linli status", "Database", "Schema", "Tickets by state", "new", "Outbox",
                     "Scheduled jobs", "last run"):
            expect(word in en, "en status says %s" % word)
        expect(re.search(r"^\s+backup\s+daily 03:30\s", en, re.M) is not None,
               "the daily backup init configured is among the jobs (it ran once at start)", en)
        expect(not re.search(r"\[cli\.", zh + en), "no missing text keys")

    # -- 13
    def s_deploy_commands(self):
        out = self.sh("systemctl status linli --no-pager | head -n 3")
        expect("active (running)" in out, "systemctl status: active (running)", out)
        self.sh("curl -s http://127.0.0.1:%d/healthz" % self.port)
        out = self.sh("curl -s -o /dev/null -w '%%{http_code}' http://127.0.0.1:%d/board" % self.port)
        expect(out.strip() == "200", "/board serves", out)
        self.sh("linli outbox --config %s --status failed" % CONFIG)
        out = self.sh("curl -s http://127.0.0.1:%d/metrics | grep -c '^linli_' || true" % self.port)
        expect(int(out.strip() or 0) > 10, "/metrics answers on the machine itself", out)
        self.sh("journalctl -u linli --since today -p warning --no-pager | tail -n 5", expect_rc=None)
        out = self.sh("journalctl -u linli --no-pager | grep -e 'schema version' -e 'schema migration' | head -n 3")
        expect("schema version" in out, "the journal names the schema version at start", out)
        out = self.sh("linli --help | grep -c -e 'linli init' -e 'linli check' -e 'linli backup' "
                      "-e 'linli status' -e 'linli telegram set-webhook' -e 'linli wechat menu'")
        expect(int(out.strip()) >= 6, "linli --help lists the first-day commands", out)
        # docs/DEPLOY.md section 8: installing the package again (an upgrade) restarts the service
        # and keeps the edited conffiles.
        before = self.sh("systemctl show -p MainPID --value linli; md5sum %s %s" % (CONFIG, ENV))
        deb = os.path.basename(self.args.deb)
        self.sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall ./%s 2>&1 | "
                "tail -n 1" % deb, timeout=120)
        after = self.sh("systemctl show -p MainPID --value linli; md5sum %s %s; "
                        "systemctl is-active linli" % (CONFIG, ENV))
        expect(before.split("\n")[0] != after.split("\n")[0] and after.strip().endswith("active"),
               "the package restarted the running service")
        expect(before.split("\n")[1:3] == after.split("\n")[1:3],
               "the edited linli.json and linli.env were kept")
        out = self.sh("stat -c '%U %n' /var/lib/linli/* /var/lib/linli/backups/*")
        expect(all(l.startswith("linli ") for l in out.split("\n") if l),
               "every file in /var/lib/linli is still linli's (after root's status and outbox)", out)


def deploy_blocks():
    """The fenced code blocks of docs/DEPLOY.md by language (the last of each)."""
    with open(os.path.join(SOURCE, "docs", "DEPLOY.md"), encoding="utf-8") as f:
        text = f.read()
    return {lang: body for lang, body in re.findall(r"```(\w+)\n(.*?)```", text, re.S)}


def https_get(port, path, tls=True, timeout=5.0):
    """GET https://linli.example.org<path> at 127.0.0.1:port (SNI and Host linli.example.org,
    the certificate not verified). (status or 0, body, Location)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout)
        if tls:
            sock = ctx.wrap_socket(sock, server_hostname="linli.example.org")
        sock.sendall(("GET %s HTTP/1.1\r\nHost: linli.example.org\r\nConnection: close\r\n\r\n"
                      % path).encode())
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        sock.close()
    except (OSError, ssl.SSLError):
        return 0, "", ""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return 0, "", ""
    location = next((l.split(":", 1)[1].strip() for l in lines[1:]
                     if l.lower().startswith("location:")), "")
    return status, body.decode("utf-8", "replace"), location


def integrity(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def tickets_by_user(path):
    """Telegram user id -> tickets they reported, read without writing anything."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=10)
    try:
        rows = db.execute(
            "SELECT i.user_id, COUNT(t.id) FROM identities i JOIN tickets t "
            "ON t.reporter_person_id = i.person_id WHERE i.channel = 'telegram' "
            "GROUP BY i.user_id").fetchall()
        return {int(u): n for u, n in rows}
    finally:
        db.close()


def main():
    ap = argparse.ArgumentParser(description="Linli's first day on a bare Debian 12")
    ap.add_argument("--deb", required=True)
    ap.add_argument("--rootfs", default="/var/cache/linli/bookworm-rootfs.tgz")
    ap.add_argument("--time-limit", type=float, default=600.0,
                    help="the container and the fakes stop by themselves after this")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `timeout`: clean up, then go
    return Story(args).run()


if __name__ == "__main__":
    sys.exit(main())
