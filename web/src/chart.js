// The time chart (uPlot): the first timestamp column on x, numeric columns as series; with a
// low-cardinality text column (device, symbol) every value gets its own series. Times are drawn
// in UTC, as the server prints them.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { parseTime } from './detect.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const MAX_SERIES = 24;

export class TimeChart {
  constructor(container) {
    this.container = container;
    this.plot = null;
    new ResizeObserver(() => {
      if (this.plot && this.container.clientWidth > 0)
        this.plot.setSize({ width: this.container.clientWidth, height: this.container.clientHeight - 40 });
    }).observe(container);
  }

  show(result, info) {
    this.clear();
    const { data, labels } = seriesData(result, info);
    const many = data[0].length > 300;
    const opts = {
      width: Math.max(300, this.container.clientWidth),
      height: Math.max(200, this.container.clientHeight - 40),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      scales: { x: { time: true } },
      axes: [{ values: (u, splits) => timeLabels(splits) }, {}],
      series: [{ label: result.columns[info.time].name + ' (UTC)' },
        ...labels.map((label, k) => ({
          label,
          stroke: COLORS[k % COLORS.length],
          width: 1.5,
          spanGaps: true,
          points: { show: !many },
        }))],
      legend: { live: true },
    };
    this.plot = new uPlot(opts, data, this.container);
    this.seriesCount = labels.length;
    this.pointCount = data[0].length;
  }

  clear() {
    if (this.plot) this.plot.destroy();
    this.plot = null;
  }
}

// Axis labels in 24-hour UTC: the time of day when every tick is on one day, else the date too.
function timeLabels(splits) {
  const iso = splits.map((s) => new Date(s * 1000).toISOString());
  const oneDay = iso.every((t) => t.slice(0, 10) === iso[0].slice(0, 10));
  const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
  return iso.map((t) => {
    const time = span < 120 ? t.slice(11, 19) : t.slice(11, 16);
    if (oneDay) return time;
    return span > 3 * 86400 && t.slice(11, 16) === '00:00' ? t.slice(0, 10) : `${t.slice(5, 10)} ${time}`;
  });
}

function seriesData(result, info) {
  const rows = [];
  for (const row of result.rows) {
    const t = typeof row[info.time] === 'string' ? parseTime(row[info.time]) : NaN;
    if (!Number.isNaN(t)) rows.push([t / 1000, row]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  const xs = [];
  const slot = new Map();
  for (const [t] of rows) {
    if (!slot.has(t)) {
      slot.set(t, xs.length);
      xs.push(t);
    }
  }
  const keys = new Map();  // "group\u0000column" -> series array
  const labels = [];
  const data = [xs];
  for (const [t, row] of rows) {
    const group = info.group >= 0 ? row[info.group] : null;
    for (const c of info.numeric) {
      const key = `${group}\u0000${c}`;
      let ys = keys.get(key);
      if (!ys) {
        if (labels.length >= MAX_SERIES) continue;
        ys = new Array(xs.length).fill(null);
        keys.set(key, ys);
        const name = result.columns[c].name;
        labels.push(info.group >= 0 ? (info.numeric.length > 1 ? `${group} ${name}` : String(group)) : name);
        data.push(ys);
      }
      const v = row[c];
      ys[slot.get(t)] = typeof v === 'number' ? v : v === null ? null : Number(v);
    }
  }
  return { data, labels };
}
