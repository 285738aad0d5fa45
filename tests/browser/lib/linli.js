// One Linli server for the browser tests: a temporary config and database, `linli serve` on a
// free loopback port, `linli chat` turns on the same database (the console channel), and stop.
// Contract: start() resolves once GET /healthz answers 200 (rejects after 15 s, with the
// server's log in the message); stop() ends the server (SIGTERM, then SIGKILL after 5 s) and
// always resolves. Nothing here knows a page: the specs do.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

// A port nobody listens on now (the kernel's pick; freed again before linli binds it).
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Linli {
  // binary: the built linli; sourceDir: the source tree (for the locale files); artifacts: where
  // the server's log is kept; extraConfig(base) may return more top-level config keys
  // (channels, web, staff, ...) for this run, given {port, url, dir}.
  constructor({ binary, sourceDir, artifacts, extraConfig }) {
    this.binary = binary;
    this.sourceDir = sourceDir;
    this.artifacts = artifacts;
    this.extraConfig = extraConfig || (() => ({}));
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-browser-'));
    this.proc = null;
    this.port = 0;
    this.url = '';
    this.logPath = path.join(artifacts, 'linli-serve.log');
  }

  async start() {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    const config = {
      server: { host: '127.0.0.1', port: this.port },
      storage: { sqlite: { path: path.join(this.dir, 'linli.db'), synchronous: 'NORMAL' } },
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      locale_dir: path.join(this.sourceDir, 'config', 'locales'),
      compound: {
        name: '幸福里小区',
        buildings: [
          { id: '1', units: ['1', '2', '3'] },
          { id: '2', units: ['1', '2', '3'] },
          { id: '3', units: ['1', '2', '3'] },
        ],
        places: [{ id: 'south_gate', label: '南门' }],
      },
      staff: [{ channel: 'console', user_id: 'admin', name: '网格员 小李', tier: 'grid', role: 'admin' }],
      logging: { level: 'info', json: false },
      ...this.extraConfig({ port: this.port, url: this.url, dir: this.dir }),
    };
    this.configPath = path.join(this.dir, 'linli.json');
    fs.writeFileSync(this.configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
    fs.copyFileSync(this.configPath, path.join(this.artifacts, 'linli.json'));

    const log = fs.openSync(this.logPath, 'w');
    this.proc = spawn(this.binary, ['serve', '--config', this.configPath], {
      cwd: this.dir,
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve({ code, sig })));
    let done = false;
    this.exited.then(() => { done = true; });

    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (done) break;
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.status === 200) return;
      } catch (_) { /* not listening yet */ }
      await sleep(100);
    }
    await this.stop();
    throw new Error(`linli serve did not answer /healthz within 15 s; its log:\n${this.log()}`);
  }

  log() {
    try { return fs.readFileSync(this.logPath, 'utf8'); } catch (_) { return ''; }
  }

  // Runs `linli chat --user <user>` with `lines` on stdin (one turn each) and resolves with what
  // it printed. Rejects when it exits non-zero or takes over 20 s. minutesAgo: the chat runs with
  // its clock that many minutes behind (faketime), e.g. to make a login link that has expired.
  chat(user, lines, { env, minutesAgo } = {}) {
    return new Promise((resolve, reject) => {
      const argv = [this.binary, 'chat', '--config', this.configPath, '--user', user];
      if (minutesAgo) argv.unshift('faketime', '-f', `-${minutesAgo}m`);
      const p = spawn(argv[0], argv.slice(1), {
        cwd: this.dir,
        env: { ...process.env, ...(env || {}) },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`linli chat timed out; printed:\n${out}${err}`)); }, 20000);
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { err += d; });
      p.on('error', (e) => { clearTimeout(timer); reject(e); });
      p.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`linli chat --user ${user} exited ${code}:\n${out}${err}`));
      });
      p.stdin.end(lines.map((l) => `${l}\n`).join(''));
    });
  }

  // Reports a problem as console resident `user` through the chat's report flow; resolves with
  // the ticket's number.
  async report(user, { category = 2, location = '3号楼2单元', text = '楼道灯坏了' } = {}) {
    const out = await this.chat(user, ['报事', String(category), location, text, '跳过', '1']);
    const m = out.match(/#(\d+)/);
    if (!m) throw new Error(`no ticket number in the chat's answer:\n${out}`);
    return Number(m[1]);
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killer);
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

module.exports = { Linli, freePort, sleep };
