// Builds the web console into dist/: the app bundle (esbuild), MapLibre's own module and worker
// (kept as files so MapLibre finds its worker next to itself), and an offline basemap made from
// Natural Earth outlines (npm world-atlas) — nothing is fetched from the internet at run time.
import { build } from 'esbuild';
import { mkdirSync, copyFileSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature, mesh } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const modules = join(here, 'node_modules');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'vendor'), { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: 'es2020',
  minify: true,
  sourcemap: true,
  outfile: join(dist, 'app.js'),
  external: ['/vendor/maplibre-gl.mjs'],
  logLevel: 'warning',
});

for (const f of ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs', 'maplibre-gl.css'])
  copyFileSync(join(modules, 'maplibre-gl/dist', f), join(dist, 'vendor', f));
copyFileSync(join(here, 'src/index.html'), join(dist, 'index.html'));
copyFileSync(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));

// Countries (50m: good to a city's surroundings) as polygons, their shared borders as lines.
const topo = JSON.parse(readFileSync(join(modules, 'world-atlas/countries-50m.json'), 'utf8'));
const countries = feature(topo, topo.objects.countries);
const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
writeFileSync(join(dist, 'basemap-countries.json'), JSON.stringify(countries));
writeFileSync(join(dist, 'basemap-borders.json'), JSON.stringify(borders));
console.log('web console built into', dist);
