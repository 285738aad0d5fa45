// A resident's own page (issue 12 point 3; web/me_sign_in.h): /me signed in by WeChat's silent
// web authorization (the fake authorize page and code exchange in lib/fake_platforms.js) and by a
// Telegram Mini App's signed initData (the launch page's own script posts it); a forged code, a
// tampered or stale initData get nothing.
'use strict';

const assert = require('node:assert/strict');
const { telegramInitData, telegramSay, wechatSay } = require('../lib/fake_platforms');

const needs = { source: 'web/me_sign_in.cc', branch: 'h/me' };

const WX_USER = 'oWXbrowserMe1';
const TG_USER = 556601;

// A ticket reported by the WeChat resident, one by the Telegram resident and one by somebody else
// (once per run).
async function seed(t) {
  if (t.state.me) return t.state.me;
  const wx = await reportOnWechat(t, WX_USER, '3号楼1单元', '电梯按钮失灵');
  const tg = await reportOnTelegram(t, TG_USER, '1号楼2单元', '门禁刷不开');
  const other = await t.linli.report('me-someone-else', { category: 1, location: '2号楼1单元', text: '别人家的报事' });
  t.state.me = { wx, tg, other };
  return t.state.me;
}

async function reportOnWechat(t, openid, location, text) {
  let last = '';
  for (const line of ['报事', '2', location, text, '跳过', '1']) last = await wechatSay(t.linli.url, openid, line);
  const m = last.match(/#(\d+)/);
  if (!m) throw new Error(`no ticket number in WeChat's reply: ${last}`);
  return Number(m[1]);
}

async function reportOnTelegram(t, userId, location, text) {
  const before = t.fakes.telegram.length;
  for (const line of ['报事', '2', location, text, '跳过', '1']) await telegramSay(t.linli.url, String(userId), line);
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const sent = t.fakes.telegram.slice(before).map((c) => String(c.body.text || '')).find((x) => /工单号 #\d+/.test(x));
    if (sent) return Number(sent.match(/#(\d+)/)[1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the Telegram resident got no ticket number');
}

// The resident's session cookie (web/web_session.h: "linli_me").
async function sessionCookie(context) {
  return (await context.cookies()).find((c) => c.name === 'linli_me' && c.value);
}

module.exports = [
  {
    name: '/me through the WeChat authorization: my tickets, nobody else\'s, an HttpOnly SameSite=Strict cookie',
    needs,
    async run(t) {
      const { wx, other } = await seed(t);
      t.fakes.wechatUser = WX_USER;
      t.fakes.wechatForgedCode = '';
      // /me -> WeChat's authorize page (the fake) -> /me/wechat?code&state, whose page goes on to
      // /me by itself: after a redirect chain from another site Chromium would not send the
      // SameSite=Strict cookie on a 303, so this checks the cookie reaches /me in a real browser.
      const res = await t.page.goto(t.url('/me'));
      assert.equal(res.status(), 200);
      await t.page.waitForURL((u) => u.pathname === '/me');
      await t.page.waitForLoadState();
      const auth = t.fakes.wechatAuthorizations.at(-1);
      assert.ok(auth, 'the browser never reached the WeChat authorize page');
      assert.equal(auth.scope, 'snsapi_base');
      assert.equal(new URL(auth.redirect_uri).pathname, '/me/wechat');
      const text = await t.page.innerText('body');
      assert.ok(text.includes(`#${wx}`), `my ticket #${wx} is not on /me:\n${text}`);
      assert.ok(!text.includes(`#${other}`), `somebody else's ticket #${other} is on /me`);
      const cookie = await sessionCookie(t.context);
      assert.ok(cookie, `no session cookie: ${JSON.stringify(await t.context.cookies())}`);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      await t.shot('me-wechat');
    },
  },
  {
    name: '/me with a code WeChat does not know: refused, no session',
    needs,
    async run(t) {
      await seed(t);
      t.fakes.wechatUser = WX_USER;
      t.fakes.wechatForgedCode = 'forgedcode123';
      try {
        const res = await t.page.goto(t.url('/me'));
        assert.equal(res.status(), 403);
      } finally {
        t.fakes.wechatForgedCode = '';
      }
      assert.equal(await sessionCookie(t.context), undefined);
      assert.ok(!(await t.page.innerText('body')).includes(`#${t.state.me.wx}`), 'the refusal shows the ticket');
    },
  },
  {
    name: '/me from the Telegram Mini App: the signed initData signs the resident in',
    needs,
    async run(t) {
      const { tg, wx, other } = await seed(t);
      const initData = telegramInitData({ id: TG_USER, first_name: 'Test', language_code: 'zh-hans' });
      // Telegram opens the Mini App's URL with the signed data in the fragment.
      await Promise.all([
        t.page.waitForURL((u) => u.pathname === '/me'),
        t.page.goto(t.url(`/me/telegram#tgWebAppData=${encodeURIComponent(initData)}&tgWebAppVersion=7.0&tgWebAppPlatform=android`)),
      ]);
      const text = await t.page.innerText('body');
      assert.ok(text.includes(`#${tg}`), `my ticket #${tg} is not on /me:\n${text}`);
      for (const n of [wx, other]) assert.ok(!text.includes(`#${n}`), `ticket #${n} of somebody else is on /me`);
      const cookie = await sessionCookie(t.context);
      assert.ok(cookie, 'no session cookie');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.deepEqual(t.foreign, []);  // no telegram-web-app.js from a CDN
      await t.shot('me-telegram');
    },
  },
  {
    name: '/me with a tampered or a stale initData: 403, no session',
    needs,
    async run(t) {
      await seed(t);
      const signed = new URLSearchParams(telegramInitData({ id: TG_USER, first_name: 'Test' }));
      signed.set('user', JSON.stringify({ id: TG_USER + 1, first_name: 'Test' }));  // another user, same hash
      const stale = telegramInitData({ id: TG_USER, first_name: 'Test' }, { authDate: Math.floor(Date.now() / 1000) - 3 * 3600 });
      for (const [what, data] of [['tampered', signed.toString()], ['stale', stale]]) {
        await t.page.goto(t.url('/me/telegram'));
        // The navigation of the POST, waited for until its page has loaded (so the next goto
        // does not interrupt it).
        const [res] = await Promise.all([
          t.page.waitForNavigation({ waitUntil: 'load' }),
          t.page.evaluate((d) => {
            const form = document.querySelector('form');
            form.querySelector('[name=initData]').value = d;
            form.submit();
          }, data),
        ]);
        assert.equal(res.request().method(), 'POST', `${what}: the form was not posted`);
        assert.equal(res.status(), 403, `${what} initData answered ${res.status()}`);
        assert.equal(await sessionCookie(t.context), undefined, `${what} initData gave a session`);
      }
    },
  },
];
