#!/usr/bin/env node
// The browser tests' runner (issue 12 point 7): one Linli server, one Chromium (Debian's, driven
// by playwright-core, which never downloads a browser), one test at a time.
//
//   node runner.js --linli build/bot/server/linli [--source .] [--artifacts build/browser-artifacts]
//                  [--only SUBSTRING]
//
// Each spec file in specs/ exports a list of tests {name, run(t), needs?}; they run in file order, each in
// a fresh browser context (no cookies carried over) with a 360x740 phone viewport unless the test
// asks otherwise. t = {page, context, browser, newContext() (another browser, same settings), linli,
// fakes, url(path), shot(name), foreign, state}
// - foreign: the URLs the page requested from anywhere but Linli; state is
// shared by the tests of a run (e.g. the ticket a spec reported). A test fails by throwing; a
// failing test leaves <name>-failure.png. Screenshots go to the artifacts folder.
// needs: {source: 'web/x.cc', contains?: 'Text'} - the source file that serves the page under
// test (holding `contains`, e.g. where a route is wired); a tree without it fails the test (the
// spec must follow a moved page), never skips it.
// Exit status: 0 all passed, 1 any failure (or the global timeout, LINLI_BROWSER_TIMEOUT_S,
// default 150 s), 2 bad usage. The last line is "N passed, N failed, N skipped".
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { Linli } = require('./lib/linli');
const { FakePlatforms } = require('./lib/fake_platforms');

function parseArgs(argv) {
  const args = { source: path.resolve(__dirname, '..', '..'), only: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (v === undefined) usage(`${k} needs a value`);
    if (k === '--linli') args.linli = path.resolve(v);
    else if (k === '--source') args.source = path.resolve(v);
    else if (k === '--artifacts') args.artifacts = path.resolve(v);
    else if (k === '--only') args.only = v;
    else usage(`unknown option ${k}`);
  }
  if (!args.linli) usage('--linli is required');
  if (!args.artifacts) args.artifacts = path.join(path.dirname(path.dirname(path.dirname(args.linli))), 'browser-artifacts');
  return args;
}

function usage(msg) {
  console.error(`runner.js: ${msg}\nusage: node runner.js --linli PATH [--source DIR] [--artifacts DIR] [--only SUBSTRING]`);
  process.exit(2);
}

const TEST_TIMEOUT_MS = 30000;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// The config keys of this run beyond the harness's base: the fake platforms' channels, and the
// keys the pages need where the tree's config knows them (web.public_url = this server).
function treeConfig(source, base, fakes) {
  const read = (f) => { try { return fs.readFileSync(path.join(source, f), 'utf8'); } catch (_) { return ''; } };
  const extra = fakes.config({ oauthBase: read('adapters/registry.cc').includes('"oauth_base"') });
  if (read('config/config_loader.cc').includes('"public_url"')) {
    extra.web = { public_url: base.url, login_link_minutes: 5 };
  }
  return extra;
}

// Whether the source tree serves what a test needs: the file exists (and holds `contains`).
function treeHas(source, { source: file, contains }) {
  try {
    return !contains || fs.readFileSync(path.join(source, file), 'utf8').includes(contains);
  } catch (_) {
    return false;
  }
}

function chromiumPath() {
  return process.env.LINLI_CHROMIUM || '/usr/bin/chromium';
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(args.artifacts, { recursive: true });
  for (const f of fs.readdirSync(args.artifacts)) {
    if (f.endsWith('.png') || f.endsWith('.log') || f.endsWith('.csv')) fs.rmSync(path.join(args.artifacts, f));
  }

  const globalS = Number(process.env.LINLI_BROWSER_TIMEOUT_S || 150);
  let linli = null;
  let fakes = null;
  let browser = null;
  const globalTimer = setTimeout(async () => {
    console.error(`browser tests: global timeout (${globalS} s) - stopping`);
    try { if (linli) await linli.stop(); } catch (_) { /* exiting anyway */ }
    process.exit(1);
  }, globalS * 1000);
  globalTimer.unref();

  const { chromium } = require('playwright-core');
  const specDir = path.join(__dirname, 'specs');
  const files = fs.readdirSync(specDir).filter((f) => f.endsWith('.spec.js')).sort();
  const tests = [];
  for (const f of files) {
    for (const t of require(path.join(specDir, f))) tests.push({ ...t, file: f });
  }
  const selected = tests.filter((t) => !args.only || `${t.file} ${t.name}`.includes(args.only));

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const started = Date.now();
  try {
    fakes = new FakePlatforms();
    await fakes.start();
    linli = new Linli({
      binary: args.linli,
      sourceDir: args.source,
      artifacts: args.artifacts,
      extraConfig: (base) => treeConfig(args.source, base, fakes),
    });
    await linli.start();
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
    });
    console.log(`linli at ${linli.url}; chromium ${browser.version()}; playwright-core ${require('playwright-core/package.json').version}; node ${process.version}`);
    const state = {};
    for (const test of selected) {
      const label = `${test.file.replace(/\.spec\.js$/, '')}: ${test.name}`;
      if (test.needs && !treeHas(args.source, test.needs)) {
        // The page under test is not where the test expects it (moved or renamed): a failure,
        // never a silent skip.
        failed++;
        const what = test.needs.contains ? `${test.needs.contains} in ${test.needs.source}` : test.needs.source;
        console.log(`FAILED ${label}: the page's source is missing: ${what}`);
        continue;
      }
      const slug = label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
      const newContext = () => browser.newContext({
        viewport: test.viewport || { width: 360, height: 740 },
        locale: 'zh-CN',
        acceptDownloads: true,
      });
      const context = await newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(10000);
      const foreign = [];  // requests to anywhere but this Linli (fonts, scripts, CDNs)
      page.on('request', (r) => {
        const u = r.url();
        if (!u.startsWith(`${linli.url}/`) && !u.startsWith('data:') && !u.startsWith('about:')) foreign.push(u);
      });
      const t = {
        page,
        context,
        browser,
        newContext,
        linli,
        fakes,
        state,
        artifacts: args.artifacts,
        foreign,
        url: (p) => `${linli.url}${p}`,
        shot: (name) => page.screenshot({ path: path.join(args.artifacts, `${name}.png`), fullPage: true }),
      };
      const t0 = Date.now();
      try {
        await withTimeout(test.run(t), test.timeout || TEST_TIMEOUT_MS, label);
        passed++;
        console.log(`ok     ${label} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAILED ${label} (${Date.now() - t0} ms)\n       ${String(e && e.stack || e).split('\n').join('\n       ')}`);
        try { await page.screenshot({ path: path.join(args.artifacts, `${slug}-failure.png`), fullPage: true }); } catch (_) { /* page gone */ }
      }
      await context.close();
    }
  } catch (e) {
    failed++;
    console.log(`FAILED harness: ${e && e.stack || e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (linli) {
      await linli.stop();
      if (failed > 0) console.log(`the server's log: ${linli.logPath}`);
      linli.cleanup();
    }
    if (fakes) await fakes.stop();
  }
  console.log(`browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${args.artifacts}`);
  if (selected.length === 0) { console.log('no test selected'); failed++; }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
