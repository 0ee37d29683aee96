// The map (MapLibre GL): geometry columns (hex EWKB) or lon/lat columns drawn over an offline
// Natural Earth basemap, or over the raster tile server `yunhe serve --basemap-url` names
// (GET /console-config.json). Points with a timestamp become trajectories (one per value of a text
// column such as the device), and a time slider plays them back.
import * as maplibregl from '/vendor/maplibre-gl.mjs';
import { parseEwkbHex, extendBox } from './ewkb.js';
import { parseTime } from './detect.js';

const LONLAT_SRIDS = new Set([0, 4326, 4490]);  // WGS 84, CGCS2000 (BeiDou), unknown
const EMPTY = { type: 'FeatureCollection', features: [] };
const TRACK_COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export class ResultMap {
  constructor(container, note) {
    this.container = container;
    this.note = note;  // element for messages about what could not be drawn
    this.map = null;
    this.ready = null;
    this.tracks = [];
    this.buildSlider();
  }

  ensureMap() {
    if (!this.ready) this.ready = this.createMap();
    return this.ready;
  }

  async createMap() {
    let basemapUrl = null;
    try {
      const config = await (await fetch('/console-config.json')).json();
      basemapUrl = config.basemap_url || null;
    } catch (e) {
      // An older server or none: the offline basemap.
    }
    this.container.dataset.basemap = basemapUrl ? 'tiles' : 'natural-earth';
    this.map = new maplibregl.Map({
      container: this.container.querySelector('.map-canvas'),
      style: baseStyle(basemapUrl),
      center: [110, 32],
      zoom: 2.5,
      attributionControl: { compact: true, customAttribution: basemapUrl ? '' : 'Natural Earth' },
      preserveDrawingBuffer: true,  // screenshots in tests
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
    this.map.on('click', (e) => this.popup(e));
    this.map.on('idle', () => {
      const drawn = this.map.queryRenderedFeatures({ layers: ['result-fill', 'result-line', 'result-point', 'track-line'] });
      this.container.dataset.rendered = String(drawn.length);
    });
    await new Promise((resolve) => this.map.on('load', resolve));
  }

  async show(result, info) {
    this.result = result;
    this.container.dataset.rendered = '0';
    await this.ensureMap();
    this.map.resize();
    const { points, others, box, skipped, srids } = features(result, info);
    this.note.textContent = skipped
      ? `${skipped} value${skipped > 1 ? 's' : ''} not drawn: not lon/lat (SRID ${[...srids].join(', ')}); use ST_Transform(geom, 4326)`
      : '';
    this.tracks = info.time >= 0 ? buildTracks(points, info) : [];
    this.container.dataset.features = String(points.length + others.length);
    this.container.dataset.tracks = String(this.tracks.length);
    this.map.getSource('result').setData({ type: 'FeatureCollection', features: others.concat(points) });
    this.setTime(Infinity);
    this.slider.hidden = this.tracks.length === 0;
    if (this.tracks.length) {
      this.range.min = String(this.t0 = Math.min(...this.tracks.map((t) => t.times[0])));
      this.range.max = String(this.t1 = Math.max(...this.tracks.map((t) => t.times[t.times.length - 1])));
      this.range.value = this.range.max;
      this.label.textContent = isoMinute(this.t1);
    }
    if (box[0] <= box[2]) {
      const pad = box[0] === box[2] && box[1] === box[3] ? 0.01 : 0;
      this.map.fitBounds([[box[0] - pad, box[1] - pad], [box[2] + pad, box[3] + pad]], { padding: 40, duration: 0, maxZoom: 17 });
    }
  }

  resize() { if (this.map) this.map.resize(); }

  // Tracks up to time t (ms): the line so far and a head at the last fix; points after t hidden.
  setTime(t) {
    if (!this.map) return;
    const lines = [];
    const heads = [];
    for (const track of this.tracks) {
      const n = upperBound(track.times, t);
      if (n === 0) continue;
      const coords = track.coords.slice(0, n);
      if (coords.length > 1) lines.push(feature({ type: 'LineString', coordinates: coords }, { color: track.color, group: track.name }));
      heads.push(feature({ type: 'Point', coordinates: coords[coords.length - 1] }, { color: track.color, group: track.name }));
    }
    this.map.getSource('tracks').setData({ type: 'FeatureCollection', features: lines });
    this.map.getSource('heads').setData({ type: 'FeatureCollection', features: this.tracks.length ? heads : [] });
    const points = ofType('Point', 'MultiPoint');
    this.map.setFilter('result-point', Number.isFinite(t) ? ['all', points, ['<=', ['coalesce', ['get', 't'], 0], t]] : points);
  }

  buildSlider() {
    this.slider = this.container.querySelector('.map-slider');
    this.range = this.slider.querySelector('input');
    this.label = this.slider.querySelector('span');
    const play = this.slider.querySelector('button');
    this.range.addEventListener('input', () => {
      const t = Number(this.range.value);
      this.label.textContent = isoMinute(t);
      this.setTime(t);
    });
    play.addEventListener('click', () => {
      if (this.playing) {
        cancelAnimationFrame(this.playing);
        this.playing = 0;
        play.textContent = '▶';
        return;
      }
      play.textContent = '❚❚';
      const start = performance.now();
      const from = Number(this.range.value) >= this.t1 ? this.t0 : Number(this.range.value);
      const span = this.t1 - this.t0;
      const step = (now) => {
        const t = Math.min(this.t1, from + ((now - start) / 20000) * span);  // the whole span in 20 s
        this.range.value = String(t);
        this.label.textContent = isoMinute(t);
        this.setTime(t);
        if (t < this.t1) this.playing = requestAnimationFrame(step);
        else { this.playing = 0; play.textContent = '▶'; }
      };
      this.playing = requestAnimationFrame(step);
    });
  }

  popup(e) {
    const hits = this.map.queryRenderedFeatures(e.point, { layers: ['result-point', 'result-line', 'result-fill'] });
    if (!hits.length || !this.result) return;
    const row = this.result.rows[hits[0].properties.row];
    const box = document.createElement('div');
    box.className = 'map-popup';
    this.result.columns.forEach((c, i) => {
      if (c.type.startsWith('geometry')) return;
      const line = document.createElement('div');
      line.textContent = `${c.name}: ${row[i] === null ? 'NULL' : row[i]}`;
      box.appendChild(line);
    });
    new maplibregl.Popup({ closeButton: true }).setLngLat(e.lngLat).setDOMContent(box).addTo(this.map);
  }
}

function features(result, info) {
  const points = [];
  const others = [];
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  let skipped = 0;
  const srids = new Set();
  const geomCol = info.geometry.length ? info.geometry[0] : -1;
  result.rows.forEach((row, r) => {
    let geometry = null;
    if (geomCol >= 0) {
      const parsed = parseEwkbHex(row[geomCol]);
      if (!parsed || !parsed.geometry) return;
      if (!LONLAT_SRIDS.has(parsed.srid)) {
        skipped++;
        srids.add(parsed.srid);
        return;
      }
      geometry = parsed.geometry;
    } else {
      const lon = Number(row[info.lon]);
      const lat = Number(row[info.lat]);
      if (row[info.lon] === null || row[info.lat] === null || !Number.isFinite(lon) || !Number.isFinite(lat)) return;
      geometry = { type: 'Point', coordinates: [lon, lat] };
    }
    const b = extendBox([Infinity, Infinity, -Infinity, -Infinity], geometry);
    if (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90) {
      skipped++;
      srids.add(geomCol >= 0 ? parseEwkbHex(row[geomCol]).srid : 'none');
      return;
    }
    extendBox(box, geometry);
    const props = { row: r };
    if (info.time >= 0 && typeof row[info.time] === 'string') props.t = parseTime(row[info.time]);
    if (info.group >= 0) props.group = String(row[info.group]);
    (geometry.type === 'Point' ? points : others).push(feature(geometry, props));
  });
  return { points, others, box, skipped, srids };
}

function buildTracks(points, info) {
  const byGroup = new Map();
  for (const p of points) {
    if (!Number.isFinite(p.properties.t)) continue;
    const key = info.group >= 0 ? p.properties.group : '';
    if (!byGroup.has(key)) byGroup.set(key, []);
    byGroup.get(key).push(p);
  }
  const tracks = [];
  for (const [name, list] of byGroup) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.properties.t - b.properties.t);
    tracks.push({
      name,
      color: TRACK_COLORS[tracks.length % TRACK_COLORS.length],
      times: list.map((p) => p.properties.t),
      coords: list.map((p) => p.geometry.coordinates),
    });
  }
  return tracks;
}

function feature(geometry, properties) { return { type: 'Feature', geometry, properties }; }

function upperBound(sorted, t) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isoMinute(ms) { return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + ' UTC'; }

function ofType(...types) { return ['in', ['geometry-type'], ['literal', types]]; }

function baseStyle(basemapUrl) {
  const geojson = (data) => ({ type: 'geojson', data });
  // The ground: a tile server's raster when one is configured, else Natural Earth's countries.
  const ground = basemapUrl
    ? { sources: { basemap: { type: 'raster', tiles: [basemapUrl], tileSize: 256 } },
        layers: [{ id: 'basemap', type: 'raster', source: 'basemap' }] }
    : { sources: { countries: geojson('/basemap-countries.json'), borders: geojson('/basemap-borders.json') },
        layers: [
          { id: 'sea', type: 'background', paint: { 'background-color': '#cbdfee' } },
          { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f3f0e8' } },
          { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#a89f91', 'line-width': 0.8 } },
        ] };
  return {
    version: 8,
    sources: {
      ...ground.sources,
      result: geojson(EMPTY),
      tracks: geojson(EMPTY),
      heads: geojson(EMPTY),
    },
    layers: [
      ...ground.layers,
      { id: 'result-fill', type: 'fill', source: 'result', filter: ofType('Polygon', 'MultiPolygon'),
        paint: { 'fill-color': '#ff7f0e', 'fill-opacity': 0.25 } },
      // Lines, and the outlines of polygons.
      { id: 'result-line', type: 'line', source: 'result', filter: ['!', ofType('Point', 'MultiPoint')],
        paint: { 'line-color': '#c25e00', 'line-width': 2 } },
      { id: 'track-line', type: 'line', source: 'tracks', paint: { 'line-color': ['get', 'color'], 'line-width': 2.5, 'line-opacity': 0.8 } },
      { id: 'result-point', type: 'circle', source: 'result', filter: ofType('Point', 'MultiPoint'),
        paint: { 'circle-radius': 3, 'circle-color': '#1f5f99', 'circle-opacity': 0.7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 0.5 } },
      { id: 'track-head', type: 'circle', source: 'heads',
        paint: { 'circle-radius': 6, 'circle-color': ['get', 'color'], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    ],
  };
}
