// The console as built into the binary (no --web-dir) with `--basemap-url` naming a tile
// server on 127.0.0.1: the map asks the server for its configuration, draws the tiles under a
// result, and loads nothing from anywhere else.
// usage: node basemap_test.mjs URL WEB_DIR TILE_ORIGIN ARTIFACTS
import { join } from 'node:path';

import { check, counts, launchBrowser } from './harness.mjs';

const [url, webDir, tileOrigin, artifacts] = process.argv.slice(2);
const browser = await launchBrowser(webDir, artifacts);
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
const tiles = [];
const outside = [];
page.on('request', (r) => {
  if (r.url().startsWith(tileOrigin)) tiles.push(r.url());
  else if (!r.url().startsWith(url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) outside.push(r.url());
});
try {
  await page.goto(url);
  await page.waitForSelector('.schema-table', { timeout: 15000 });
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('SELECT name, geom FROM zones;');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => Number(document.querySelector('#view-map').dataset.rendered) > 0, null, { timeout: 120000 });
  check('map uses the tile server', await page.$eval('#view-map', (e) => e.dataset.basemap) === 'tiles');
  check('tiles requested from it', tiles.length > 0, `${tiles.length} tile requests`);
  check('tile URLs follow the template', tiles.every((t) => /\/\d+\/\d+\/\d+\.png$/.test(t)), tiles.slice(0, 3).join(' '));
  check('no Natural Earth download', !(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('basemap-countries')))));
  await page.screenshot({ path: join(artifacts, 'basemap-tiles.png') });
} catch (e) {
  check('basemap test ran to the end', false, e.stack);
}
check('no errors in the page', problems.length === 0, problems.join('\n'));
check('nothing loaded from elsewhere', outside.length === 0, outside.join('\n'));
await browser.close();
console.log(`web basemap: ${counts.pass} passed, ${counts.fail} failed`);
process.exit(counts.fail ? 1 : 0);
