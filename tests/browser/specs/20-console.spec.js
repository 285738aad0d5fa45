// The staff console (issue 12 point 2; domain/people/web_login.h, web/web_session.h): login by
// the one-time link 登录 gives in a private chat, the session cookie, an action on a ticket,
// the CSV export, the CSRF check on every POST, and an expired or used link refused.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { telegramSay } = require('../lib/fake_platforms');

// The console's routes wired into the route table (the chat's 登录 comes with them).
const wired = { source: 'bot/server/web_routes.cc', contains: 'ConsoleRoutes', branch: 'h/console' };
const COOKIE = 'linli_staff';

// The login link in the chat's answer to 登录 (staff "admin" on the console channel).
async function loginLink(t, opts) {
  const out = await t.linli.chat('admin', ['登录'], opts);
  const m = out.match(/https?:\/\/[^\s"'<>]+\/console\/login\/[A-Za-z0-9_-]+/);
  if (!m) throw new Error(`no login link in the answer to 登录:\n${out}`);
  assert.ok(m[0].startsWith(`${t.linli.url}/console/login/`), `the link is not on web.public_url: ${m[0]}`);
  return m[0];
}

// Opens `link` and confirms the login if the page asks; resolves with the last response.
async function openLink(page, link) {
  let res = await page.goto(link);
  const confirm = page.locator('form[method=post] button, form[method=post] [type=submit]');
  if (res.status() === 200 && (await confirm.count()) > 0) {
    [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      confirm.first().click(),
    ]);
    await page.waitForLoadState();
  }
  return res;
}

async function staffCookie(context) {
  return (await context.cookies()).find((c) => c.name === COOKIE && c.value);
}

// A signed-in console page in t's context (logs in once per run, then reuses the cookie).
async function signIn(t) {
  if (!t.state.staffCookies) {
    const link = await loginLink(t);
    await openLink(t.page, link);
    t.state.staffCookies = await t.context.cookies();
  } else {
    await t.context.addCookies(t.state.staffCookies);
  }
}

module.exports = [
  {
    name: 'login by the link from 登录: an HttpOnly SameSite=Strict cookie, the ticket list; the link works once',
    needs: wired,
    async run(t) {
      const n = await t.linli.report('console-r1', { category: 2, location: '2号楼3单元', text: '单元门关不上' });
      t.state.consoleTicket = n;
      const link = await loginLink(t);
      const res = await openLink(t.page, link);
      assert.ok(res.status() < 400, `opening the link answered ${res.status()}`);
      assert.match(new URL(t.page.url()).pathname, /^\/console/);
      const cookie = await staffCookie(t.context);
      assert.ok(cookie, `no ${COOKIE} cookie: ${JSON.stringify(await t.context.cookies())}`);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.secure, false);  // web.public_url is http:// here
      t.state.staffCookies = await t.context.cookies();
      if (new URL(t.page.url()).pathname !== '/console') await t.page.goto(t.url('/console'));
      assert.ok((await t.page.innerText('body')).includes(`#${n}`), `ticket #${n} is not in the console's list`);
      assert.deepEqual(t.foreign, []);
      await t.shot('console-tickets');
      // The same link a second time, in another browser: no session.
      const other = await t.newContext();
      try {
        const page = await other.newPage();
        const again = await openLink(page, link);
        assert.equal(again.status(), 410, `a used link answered ${again.status()}`);
        assert.equal(await staffCookie(other), undefined, 'a used link gave a session');
      } finally {
        await other.close();
      }
    },
  },
  {
    name: 'a login link older than web.login_link_minutes is refused',
    needs: wired,
    async run(t) {
      const link = await loginLink(t, { minutesAgo: 10 });  // made 10 minutes ago, valid 5
      const res = await openLink(t.page, link);
      assert.equal(res.status(), 410, `an expired link answered ${res.status()}`);
      assert.equal(await staffCookie(t.context), undefined, 'an expired link gave a session');
      await t.shot('console-link-expired');
      // One made 2 minutes ago the same way is still good: the refusal above was its age.
      const other = await t.newContext();
      try {
        const page = await other.newPage();
        const fresh = await openLink(page, await loginLink(t, { minutesAgo: 2 }));
        assert.ok(fresh.status() < 400, `a 2-minute-old link answered ${fresh.status()}`);
        assert.ok(await staffCookie(other), 'a 2-minute-old link gave no session');
      } finally {
        await other.close();
      }
    },
  },
  {
    name: 'a POST without the CSRF token (or with a wrong one) is refused with 403 and changes nothing',
    needs: wired,
    async run(t) {
      await signIn(t);
      const n = await t.linli.report('console-csrf', { category: 1, location: '1号楼2单元', text: '楼道堆放杂物' });
      await t.page.goto(t.url(`/console/tickets/${n}`));
      const form = t.page.locator('form[method=post][action$="/accept"]');
      assert.equal(await form.count(), 1, 'no accept form on the ticket page');
      assert.ok((await form.locator('input[name=csrf]').inputValue()).length > 0, 'the form has no csrf field');
      const action = new URL(await form.getAttribute('action'), t.page.url()).toString();
      for (const fields of [{}, { csrf: 'not-the-token' }]) {
        const res = await t.context.request.post(action, { form: fields, maxRedirects: 0 });
        assert.equal(res.status(), 403, `POST ${JSON.stringify(fields)} answered ${res.status()}`);
      }
      const pub = await (await t.context.request.get(t.url('/api/public/tickets'))).json();
      assert.equal(pub.tickets.find((x) => x.number === n).status, 'new', 'a refused POST changed the ticket');
    },
  },
  {
    name: 'accept then resolve a ticket in the console: the board shows it, the resident is told',
    needs: wired,
    async run(t) {
      await signIn(t);
      // A Telegram resident reports, so the push to them is seen at the fake Bot API.
      const resident = 557701;
      for (const line of ['报事', '2', '3号楼3单元', '楼下路灯不亮', '跳过', '1']) await telegramSay(t.linli.url, String(resident), line);
      const n = await waitFor(() => {
        const m = t.fakes.telegram.filter((c) => String(c.body.chat_id) === String(resident))
          .map((c) => String(c.body.text || '').match(/工单号 #(\d+)/)).find(Boolean);
        return m && Number(m[1]);
      }, 'the resident got no ticket number');
      await t.page.goto(t.url(`/console/tickets/${n}`));
      const before = t.fakes.telegram.length;
      await Promise.all([t.page.waitForNavigation(), t.page.locator('form[method=post][action$="/accept"] [type=submit]').click()]);
      assert.match(await t.page.innerText('body'), /已受理/);
      const resolve = t.page.locator('form[method=post][action$="/resolve"]');
      await resolve.locator('[name=note]').fill('已更换路灯灯泡');
      await Promise.all([t.page.waitForNavigation(), resolve.locator('[type=submit]').click()]);
      assert.equal(new URL(t.page.url()).pathname, `/console/tickets/${n}`);
      const page = await t.page.innerText('body');
      assert.match(page, /已解决/);
      assert.match(page, /已更换路灯灯泡/);
      await t.shot('console-ticket-resolved');
      // The public board shows the new status.
      const board = await t.newContext();
      try {
        const p = await board.newPage();
        await p.goto(t.url(`/board/tickets/${n}`));
        assert.match(await p.locator('article.card .tag').first().innerText(), /已解决/);
      } finally {
        await board.close();
      }
      // The resident's pushes: accepted, then resolved (the outbox sends them to the fake).
      const pushes = await waitFor(() => {
        const texts = t.fakes.telegram.slice(before).filter((c) => String(c.body.chat_id) === String(resident))
          .map((c) => String(c.body.text || ''));
        return texts.some((x) => x.includes(`#${n}`) && /已解决/.test(x)) && texts;
      }, 'the resident was not told that the ticket was resolved');
      assert.ok(pushes.some((x) => x.includes(`#${n}`) && /已受理/.test(x)), `no "accepted" push: ${pushes}`);
    },
  },
  {
    name: 'CSV export from the console: a download, UTF-8 with BOM, the Chinese intact',
    needs: wired,
    async run(t) {
      await signIn(t);
      await t.page.goto(t.url('/console'));
      const [download] = await Promise.all([
        t.page.waitForEvent('download'),
        t.page.locator('a[href*="/console/export/tickets.csv"]').first().click(),
      ]);
      const file = path.join(t.artifacts, 'tickets.csv');
      await download.saveAs(file);
      const bytes = fs.readFileSync(file);
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no UTF-8 byte order mark');
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
      const lines = text.split(/\r?\n/).filter(Boolean);
      assert.ok(lines.length >= 2, `the CSV has ${lines.length} lines`);
      assert.match(text, /设施维修/);
      const row = lines.find((l) => l.startsWith(`${t.state.consoleTicket},`));
      assert.ok(row, `ticket #${t.state.consoleTicket} has no row`);
      assert.match(row, /2号楼3单元/);
      assert.match(row, /单元门关不上/);
      assert.ok(!text.includes('\ufffd'), 'replacement characters in the CSV');
    },
  },
];

async function waitFor(fn, message, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(message);
}
