// Tiny fake platform APIs on one loopback port, so a run needs no network:
//  - Telegram Bot API: POST /bot<token>/<method> answers {"ok":true,...}; every call is recorded
//    in `telegram` ({method, body}) so a test can see what the bot sent (a resident's push).
//  - WeChat: GET /cgi-bin/token (the account's access_token) and GET /sns/oauth2/access_token
//    (the snsapi_base code exchange: a code made by wechatCode(openid) yields that openid, once;
//    any other code gets errcode 40029, as WeChat answers an invalid code), and
//    GET /connect/oauth2/authorize (the silent snsapi_base page: straight back to redirect_uri
//    with a code for `wechatUser`).
// config() gives the channels pointing at it (tg: telegram, wx: wechat_mp in plain mode) and the
// secrets a test needs to sign as the platform would (TELEGRAM_TOKEN).
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const TELEGRAM_TOKEN = '123456:browser-test-token';
const TELEGRAM_SECRET = 'browser_test_secret';
const WECHAT_APP_ID = 'wxbrowsertest';
const WECHAT_APP_SECRET = 'browser-test-app-secret';
const WECHAT_TOKEN = 'browsertesttoken';

// The fakes started last: telegramSay hands them the Bot API call a webhook answer carries.
let activeFakes = null;

class FakePlatforms {
  constructor() {
    this.telegram = [];
    this.wechatCodes = new Map();
    this.wechatExchanges = [];
    this.wechatAuthorizations = [];
    this.wechatUser = '';  // the openid the fake authorize page signs in ('' = refuses)
    this.wechatForgedCode = '';  // when set, the authorize page hands out this code instead (not WeChat's)
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  start() {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${this.server.address().port}`;
        activeFakes = this;
        resolve();
      });
    });
  }

  stop() {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // A fresh single-use snsapi_base code for `openid`.
  wechatCode(openid) {
    const code = `code${crypto.randomBytes(8).toString('hex')}`;
    this.wechatCodes.set(code, openid);
    return code;
  }

  // oauthBase: the tree's wechat_mp channel knows the key oauth_base (the authorize page's host).
  config({ oauthBase = false } = {}) {
    const wx = { name: 'wx', type: 'wechat_mp', app_id: WECHAT_APP_ID, app_secret: WECHAT_APP_SECRET, token: WECHAT_TOKEN, mode: 'plain', api_base: this.url };
    if (oauthBase) wx.oauth_base = this.url;
    return {
      channels: [
        { name: 'tg', type: 'telegram', token: TELEGRAM_TOKEN, secret_token: TELEGRAM_SECRET, api_base: this.url },
        wx,
      ],
    };
  }

  handle(req, res) {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const url = new URL(req.url, this.url);
      const json = (status, obj) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const tg = url.pathname.match(/^\/bot([^/]+)\/(\w+)$/);
      if (tg) {
        if (tg[1] !== TELEGRAM_TOKEN) return json(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        let parsed = {};
        try { parsed = body ? JSON.parse(body) : {}; } catch (_) { parsed = { raw: body }; }
        this.telegram.push({ method: tg[2], body: parsed });
        const id = this.telegram.length;
        return json(200, { ok: true, result: tg[2] === 'getMe' ? { id: 123456, is_bot: true, username: 'linli_test_bot' } : { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: parsed.chat_id } } });
      }
      if (url.pathname === '/connect/oauth2/authorize') {
        // WeChat's authorize page, silent for snsapi_base: back to redirect_uri with a fresh
        // code for the WeChat user "using the phone" (wechatUser), and the state unchanged.
        this.wechatAuthorizations.push(Object.fromEntries(url.searchParams));
        const redirect = url.searchParams.get('redirect_uri');
        if (!redirect || url.searchParams.get('appid') !== WECHAT_APP_ID || url.searchParams.get('scope') !== 'snsapi_base' || !this.wechatUser) {
          res.writeHead(400, { 'Content-Type': 'text/plain' });
          return res.end('bad authorize request');
        }
        const back = new URL(redirect);
        back.searchParams.set('code', this.wechatForgedCode || this.wechatCode(this.wechatUser));
        back.searchParams.set('state', url.searchParams.get('state') || '');
        res.writeHead(302, { Location: back.toString() });
        return res.end();
      }
      if (url.pathname === '/cgi-bin/token') {
        return json(200, { access_token: 'fake-account-access-token', expires_in: 7200 });
      }
      if (url.pathname === '/sns/oauth2/access_token') {
        const code = url.searchParams.get('code') || '';
        this.wechatExchanges.push({ code, appid: url.searchParams.get('appid'), secret: url.searchParams.get('secret') });
        const openid = this.wechatCodes.get(code);
        if (openid === undefined || url.searchParams.get('appid') !== WECHAT_APP_ID || url.searchParams.get('secret') !== WECHAT_APP_SECRET) {
          return json(200, { errcode: 40029, errmsg: 'invalid code' });
        }
        this.wechatCodes.delete(code);
        return json(200, { access_token: 'fake-web-access-token', expires_in: 7200, refresh_token: 'r', openid, scope: 'snsapi_base' });
      }
      if (url.pathname.startsWith('/cgi-bin/')) return json(200, { errcode: 0, errmsg: 'ok', msgid: 1 });
      json(404, { error: 'not faked', path: url.pathname });
    });
  }
}

// Telegram Mini App initData for `user`, signed with the bot token as Telegram does:
// secret = HMAC_SHA256(key "WebAppData", token); hash = hex HMAC_SHA256(secret, the fields but
// hash as key=value sorted by key joined by "\n").
function telegramInitData(user, { authDate = Math.floor(Date.now() / 1000), token = TELEGRAM_TOKEN } = {}) {
  const fields = {
    auth_date: String(authDate),
    query_id: 'AAHdF6IQAAAAAN0XohDhrOrc',
    user: JSON.stringify(user),
  };
  const check = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join('\n');
  const secret = crypto.createHmac('sha256', 'WebAppData').update(token).digest();
  const hash = crypto.createHmac('sha256', secret).update(check).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}

// Sends `text` from WeChat user `openid` to Linli's wx channel as the platform would (plain
// mode: the token's SHA-1 signature over timestamp and nonce); resolves with the passive reply's
// XML. Each call is a new message (its own MsgId).
let wechatMsgId = 7000000000000000000n;
async function wechatSay(linliUrl, openid, text) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = crypto.randomBytes(6).toString('hex');
  const signature = crypto.createHash('sha1').update([WECHAT_TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  wechatMsgId += 1n;
  const xml = `<xml><ToUserName><![CDATA[gh_browsertest]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>`
    + `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content>`
    + `<MsgId>${wechatMsgId}</MsgId></xml>`;
  const r = await fetch(`${linliUrl}/webhook/wx?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: xml,
  });
  const body = await r.text();
  if (r.status !== 200) throw new Error(`wechat webhook answered ${r.status}: ${body}`);
  return body;
}

// Sends `text` from Telegram user `userId` in a private chat to Linli's tg channel (with the
// webhook's secret token); the bot's answers reach the fake Bot API (FakePlatforms.telegram).
let telegramUpdateId = 100000;
async function telegramSay(linliUrl, userId, text) {
  telegramUpdateId += 1;
  const update = {
    update_id: telegramUpdateId,
    message: {
      message_id: telegramUpdateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: Number(userId), type: 'private', first_name: 'Test' },
      from: { id: Number(userId), is_bot: false, first_name: 'Test', language_code: 'zh-hans' },
      text,
    },
  };
  const r = await fetch(`${linliUrl}/webhook/tg`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': TELEGRAM_SECRET },
    body: JSON.stringify(update),
  });
  const answer = await r.text();
  if (r.status !== 200) throw new Error(`telegram webhook answered ${r.status}: ${answer}`);
  // What Telegram does with the answer: a Bot API call given as the response body is made.
  if ((r.headers.get('content-type') || '').startsWith('application/json') && activeFakes) {
    const call = JSON.parse(answer);
    if (typeof call.method === 'string') {
      const { method, ...params } = call;
      await fetch(`${activeFakes.url}/bot${TELEGRAM_TOKEN}/${method}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(params),
      });
    }
  }
}

module.exports = { FakePlatforms, telegramInitData, wechatSay, telegramSay, TELEGRAM_TOKEN, WECHAT_APP_ID };
