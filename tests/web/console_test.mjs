// The web console in a real headless Chromium (Debian's, driven by npm playwright-core): load
// it, run queries, and check what a user would see — rows in the grid, a time chart, a map with
// tracks and zones, an error marked in the editor. Screenshots go to $ARTIFACTS.
// usage: node console_test.mjs URL WEB_DIR ARTIFACTS
import { join } from 'node:path';

import { check, counts, launchBrowser } from './harness.mjs';

const [url, webDir, artifacts] = process.argv.slice(2);
const browser = await launchBrowser(webDir, artifacts);
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
// SQL errors are HTTP 400s, which Chromium logs as failed loads: those are expected.
page.on('console', (m) => { if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(`console error: ${m.text()}`); });
const outside = [];
page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) outside.push(r.url()); });

async function runQuery(sql) {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
  await page.evaluate(() => { document.body.dataset.state = 'typed'; });
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 30000 });
  return page.evaluate(() => document.body.dataset.state);
}

try {
  await page.goto(url);
  await page.waitForSelector('.schema-table', { timeout: 15000 });
  const tables = await page.$$eval('.schema-table summary span', (s) => s.map((x) => x.textContent));
  check('schema browser lists the demo tables', ['sensor_readings', 'fixes', 'zones', 'positions', 'hourly_temperature'].every((t) => tables.includes(t)), JSON.stringify(tables));

  // A plain result: the grid.
  let state = await runQuery('SELECT device, kind, installed FROM devices ORDER BY device;');
  check('query runs', state === 'done', state);
  check('grid shows the rows', await page.$eval('#view-table', (e) => e.dataset.rows) === '5');
  const firstRow = await page.$$eval('.grid-row', (rows) => [...rows].sort((a, b) => parseInt(a.style.top) - parseInt(b.style.top))[0].textContent);
  check('grid cells', firstRow === '1robot-1inspection robot2025-03-01', firstRow);
  check('status line counts rows', /^5 rows in/.test(await page.textContent('#status')));
  check('no chart or map for a plain table', await page.$eval('#tabs button[data-view=chart]', (b) => b.disabled) && await page.$eval('#tabs button[data-view=map]', (b) => b.disabled));

  // A time series: the chart, one series per device.
  state = await runQuery("SELECT ts, device, temperature FROM sensor_readings WHERE ts < timestamptz '2026-11-01 06:00+00' ORDER BY ts;");
  check('time series query', state === 'done', state);
  check('chart is the automatic view', await page.$eval('#tabs button.active', (b) => b.dataset.view) === 'chart');
  check('one series per device', await page.$eval('#view-chart', (e) => e.dataset.series) === '5');
  const inked = await page.$eval('#view-chart canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  check('chart canvas has ink', inked > 2000, `${inked} pixels`);
  await page.screenshot({ path: join(artifacts, 'chart.png') });

  // Positions: the map with one track per device, then zones as polygons.
  state = await runQuery("SELECT device, ts, pos FROM positions WHERE ts < timestamptz '2026-11-01 03:00+00' ORDER BY ts;");
  check('positions query', state === 'done', state);
  check('map is the automatic view', await page.$eval('#tabs button.active', (b) => b.dataset.view) === 'map');
  await page.waitForFunction(() => Number(document.querySelector('#view-map').dataset.rendered) > 0, null, { timeout: 120000 });
  check('one track per device', await page.$eval('#view-map', (e) => e.dataset.tracks) === '5', await page.$eval('#view-map', (e) => e.dataset.tracks));
  check('time slider shown for tracks', await page.$eval('.map-slider', (e) => !e.hidden));
  await page.screenshot({ path: join(artifacts, 'map-tracks.png') });
  // Move the slider to the start: only the first fixes stay drawn.
  await page.$eval('.map-slider input', (r) => { r.value = r.min; r.dispatchEvent(new Event('input')); });
  check('slider label follows', (await page.textContent('.map-slider span')).startsWith('2026-11-01 00:00'));
  state = await runQuery('SELECT name, kind, geom FROM zones;');
  await page.waitForFunction(() => Number(document.querySelector('#view-map').dataset.rendered) > 0, null, { timeout: 120000 });
  check('zones drawn', await page.$eval('#view-map', (e) => e.dataset.features) === '4');
  await page.screenshot({ path: join(artifacts, 'map-zones.png') });
  // lon/lat columns work too.
  state = await runQuery('SELECT lon, lat, speed FROM fixes WHERE lon IS NOT NULL LIMIT 500;');
  await page.waitForFunction(() => Number(document.querySelector('#view-map').dataset.rendered) > 0, null, { timeout: 120000 });
  check('lon/lat columns mapped', await page.$eval('#view-map', (e) => e.dataset.features) === '500');

  // An error: message, SQLSTATE, and the token marked in the editor.
  state = await runQuery('SELECT *\nFORM sensor_readings;');
  check('error state', state === 'error', state);
  check('error message', (await page.textContent('#error')).includes('ERROR:  syntax error at or near "FORM"'), await page.textContent('#error'));
  check('error position marked', await page.$eval('.cm-sql-error', (e) => e.textContent).catch(() => '') === 'FORM');
  await page.screenshot({ path: join(artifacts, 'error.png') });
  state = await runQuery("SELECT 1 + 'x'::int;");
  check('runtime error', (await page.textContent('#error')).includes('invalid input syntax for type integer'), await page.textContent('#error'));

  // 100k rows: all counted, few in the DOM, the last one reachable by scrolling.
  state = await runQuery('SELECT g, g * 2 AS twice, md5(g::text) AS h FROM generate_series(1, 100000) AS t(g);');
  check('100k rows', await page.$eval('#view-table', (e) => e.dataset.rows) === '100000');
  const domRows = await page.$$eval('.grid-row', (r) => r.length);
  check('grid keeps few rows in the DOM', domRows < 200, `${domRows}`);
  await page.$eval('.grid-viewport', (v) => { v.scrollTop = v.scrollHeight; });
  await page.waitForFunction(() => [...document.querySelectorAll('.grid-row .grid-rownum')].some((c) => c.textContent === '100000'), null, { timeout: 10000 });
  check('last row reachable', true);
  await page.screenshot({ path: join(artifacts, 'grid-100k.png') });

  // History kept across a reload.
  await page.reload();
  await page.waitForSelector('#history li');
  check('history survives a reload', (await page.$$eval('#history li', (l) => l.map((x) => x.textContent)))[0].startsWith('SELECT g, g * 2'));
} catch (e) {
  check('console test ran to the end', false, e.stack);
  await page.screenshot({ path: join(artifacts, 'failure.png') }).catch(() => {});
}
check('no errors in the page', problems.length === 0, problems.join('\n'));
check('nothing loaded from outside the server', outside.length === 0, outside.join('\n'));
await browser.close();
console.log(`web console: ${counts.pass} passed, ${counts.fail} failed (screenshots in ${artifacts})`);
process.exit(counts.fail ? 1 : 0);
