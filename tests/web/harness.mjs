// What the browser tests share: pass/fail counting and a headless Chromium (Debian's, driven by
// npm playwright-core from the console's own packages) with software WebGL for the map.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const counts = { pass: 0, fail: 0 };
export function check(name, ok, detail = '') {
  if (ok) counts.pass++;
  else {
    counts.fail++;
    console.log(`FAIL: ${name} ${detail}`);
  }
}

export async function launchBrowser(webDir, artifacts) {
  const { chromium } = createRequire(join(webDir, 'package.json'))('playwright-core');
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // WebGL for the map without a GPU: SwiftShader, Chromium's software renderer.
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}
