// The public board (issue 12 point 1; web/board_tickets.h): /board on a phone, its filters
// (a GET form that works without JavaScript) and one ticket's page.
'use strict';

const assert = require('node:assert/strict');

const needs = { source: 'web/board_tickets.cc', branch: 'h/board' };

// Numbers of the tickets on the board's cards, in page order.
async function cardNumbers(page) {
  const heads = await page.locator('article.card h2').allInnerTexts();
  return heads.map((h) => Number((h.match(/#(\d+)/) || [])[1]));
}

// Three tickets: an accepted repair in 3号楼 with a public summary and a public note (which
// names a phone number: the board masks it), a new sanitation one in 1号楼, a new parking one in
// 2号楼 (once per run).
async function seed(t) {
  if (t.state.board) return t.state.board;
  const repair = await t.linli.report('board-r1', { category: 2, location: '3号楼2单元301', text: '楼道灯坏了，晚上很黑' });
  const sanitation = await t.linli.report('board-r2', { category: 1, location: '1号楼1单元', text: '垃圾桶满了没人清理' });
  const parking = await t.linli.report('board-r3', { category: 3, location: '2-1', text: '消防通道被车堵住' });
  const out = await t.linli.chat('admin', [
    `受理 ${repair}`,
    `摘要 ${repair} 3号楼楼道灯损坏，已安排更换`,
    `公开备注 ${repair} 师傅明天上午到，有事请打13812345678`,
  ]);
  assert.match(out, new RegExp(`#${repair}`), out);
  t.state.board = { repair, sanitation, parking };
  return t.state.board;
}

module.exports = [
  {
    name: '/board on a 360 px phone: every ticket, newest first, nothing wider than the screen, no outside resources',
    needs,
    async run(t) {
      const { repair, sanitation, parking } = await seed(t);
      const res = await t.page.goto(t.url('/'));  // / leads to the board
      assert.equal(res.status(), 200);
      assert.equal(new URL(t.page.url()).pathname, '/board');
      const html = await res.text();
      assert.ok(Buffer.byteLength(html) < 50 * 1024, `the board is ${Buffer.byteLength(html)} bytes`);
      const numbers = await cardNumbers(t.page);
      for (const n of [repair, sanitation, parking]) assert.ok(numbers.includes(n), `#${n} missing from ${numbers}`);
      assert.ok(numbers.indexOf(parking) < numbers.indexOf(repair), `not newest first: ${numbers}`);
      const width = await t.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the page is ${width} px wide on a 360 px screen`);
      // The public projection: building level only, never the room or the reporter's words.
      const text = await t.page.innerText('body');
      assert.ok(!text.includes('301'), 'the room number is on the board');
      assert.ok(!text.includes('晚上很黑'), "the resident's description is on the board");
      assert.deepEqual(t.foreign, []);
      await t.shot('board-360');
    },
  },
  {
    name: 'the filters: choose a status, submit, see only those tickets; then a building',
    needs,
    async run(t) {
      const { repair, sanitation } = await seed(t);
      await t.page.goto(t.url('/board'));
      const acceptedLabel = (await t.page.locator('select[name=status] option[value=accepted]').innerText()).trim();
      await t.page.selectOption('select[name=status]', 'accepted');
      await Promise.all([t.page.waitForNavigation(), t.page.locator('form.filters button[type=submit]').click()]);
      assert.equal(new URL(t.page.url()).searchParams.get('status'), 'accepted');
      assert.deepEqual(await cardNumbers(t.page), [repair]);
      const tags = await t.page.locator('article.card .tag').first().innerText();
      assert.equal(tags.trim(), acceptedLabel);
      // The form keeps the choice; a second filter narrows by building instead.
      assert.equal(await t.page.locator('select[name=status]').inputValue(), 'accepted');
      await t.shot('board-filter-accepted');
      await t.page.selectOption('select[name=status]', '');
      await t.page.selectOption('select[name=building]', '1');
      await Promise.all([t.page.waitForNavigation(), t.page.locator('form.filters button[type=submit]').click()]);
      assert.deepEqual(await cardNumbers(t.page), [sanitation]);
      // A value the board does not know is a 400 page, not an empty list.
      const bad = await t.page.goto(t.url('/board?status=nonsense'));
      assert.equal(bad.status(), 400);
    },
  },
  {
    name: "a ticket's page from its card: its public history; an unknown number is 404",
    needs,
    async run(t) {
      const { repair } = await seed(t);
      await t.page.goto(t.url('/board'));
      await Promise.all([t.page.waitForNavigation(), t.page.locator(`article.card h2 a:text-is("#${repair}")`).click()]);
      assert.equal(new URL(t.page.url()).pathname, `/board/tickets/${repair}`);
      const card = t.page.locator('article.card');
      assert.equal(await card.count(), 1);
      assert.match(await card.locator('h2').first().innerText(), new RegExp(`#${repair}\\b`));
      const history = (await card.locator('ul.notes li').allInnerTexts()).join('\n');
      assert.match(history, /师傅明天上午到/);
      assert.match(await card.innerText(), /3号楼楼道灯损坏，已安排更换/);
      const text = await t.page.innerText('body');
      assert.ok(!text.includes('13812345678'), 'the phone number in the note is on the ticket page');
      assert.ok(!text.includes('301'), 'the room number is on the ticket page');
      await t.shot('board-ticket');
      const missing = await t.page.goto(t.url('/board/tickets/99999'));
      assert.equal(missing.status(), 404);
    },
  },
  {
    name: "every page of the board's navigation on the phone: 200, under 50 KB, no wider than the screen, nothing from elsewhere",
    needs,
    async run(t) {
      await seed(t);
      await t.page.goto(t.url('/board'));
      const links = await t.page.locator('nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      // (/board/stats has its own test below.)
      const sections = [...new Set(links.filter((h) => h && h.startsWith('/board') && h !== '/board/stats'))];
      assert.ok(sections.length >= 5, `the board's navigation has ${sections.length} links: ${sections}`);
      for (const href of sections) {
        const res = await t.page.goto(t.url(href));
        assert.equal(res.status(), 200, `${href} answered ${res.status()}`);
        const bytes = Buffer.byteLength(await res.text());
        assert.ok(bytes < 50 * 1024, `${href} is ${bytes} bytes`);
        const width = await t.page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 360, `${href} is ${width} px wide on a 360 px screen`);
        await t.shot(`board-page-${href.replace(/^\/board\/?/, '').replace(/[^a-z0-9]+/gi, '-') || 'tickets'}`);
      }
      assert.deepEqual(t.foreign, []);
    },
  },
  {
    name: '/board/stats: charts as SVG drawn by the server, with the numbers as text, no script',
    needs: { source: 'web/board_stats.cc', branch: 'h/board' },
    async run(t) {
      await seed(t);
      const res = await t.page.goto(t.url('/board/stats'));
      assert.equal(res.status(), 200);
      const html = await res.text();
      assert.ok(Buffer.byteLength(html) < 50 * 1024, `the stats page is ${Buffer.byteLength(html)} bytes`);
      assert.ok((await t.page.locator('svg').count()) >= 1, 'no SVG chart');
      assert.equal(await t.page.locator('script').count(), 0);
      const width = await t.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the stats page is ${width} px wide on a 360 px screen`);
      assert.deepEqual(t.foreign, []);
      await t.shot('board-stats');
    },
  },
];
