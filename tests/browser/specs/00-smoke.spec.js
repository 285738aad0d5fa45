// The harness itself, depending on no page of the web front end: the server answers, Chromium
// loads it, and a ticket reported in chat reaches the public JSON API.
'use strict';

const assert = require('node:assert/strict');

module.exports = [
  {
    name: 'chromium loads /healthz',
    async run(t) {
      const res = await t.page.goto(t.url('/healthz'));
      assert.equal(res.status(), 200);
      assert.deepEqual(JSON.parse(await t.page.innerText('body')), { status: 'ok' });
    },
  },
  {
    name: 'a ticket reported in chat is in /api/public/tickets',
    async run(t) {
      const n = await t.linli.report('smoke-resident', { text: '三号楼楼道灯不亮' });
      const res = await t.page.goto(t.url('/api/public/tickets'));
      assert.equal(res.status(), 200);
      const body = JSON.parse(await t.page.innerText('body'));
      const mine = body.tickets.find((x) => x.number === n);
      assert.ok(mine, `ticket #${n} not listed: ${JSON.stringify(body)}`);
      assert.equal(mine.building, '3');
      assert.equal(mine.category, 'repair');
      assert.equal(mine.status, 'new');
      await t.shot('smoke-public-tickets');
    },
  },
];
