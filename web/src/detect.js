// Decides which automatic views a result gets: a time chart when it has a timestamp column and
// numeric columns, a map when it has geometry or lon/lat columns. Works on the JSON of /exec:
// {columns: [{name, type}], rows: [[...]]}.

const NUMERIC = /^(smallint|integer|bigint|real|double precision|numeric|decimal)/;

export function isNumericType(type) { return NUMERIC.test(type); }
export function isTimeType(type) { return type.startsWith('timestamp') || type === 'date'; }
export function isGeometryType(type) { return type.startsWith('geometry'); }

// Milliseconds since the epoch for yunhe's/PostgreSQL's text timestamps and dates
// ("2026-11-01 08:00:00.5+08", "2026-11-01 08:00:00", "2026-11-01"); NaN for anything else
// (infinity, BC dates). Times without an offset are taken as UTC, as the server prints them.
const TIME = /^(\d{4,})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/;
export function parseTime(text) {
  const m = TIME.exec(text);
  if (!m) return NaN;
  const ms = m[7] ? Number((m[7] + '000').slice(0, 3)) : 0;
  let t = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0), ms);
  if (m[8]) {
    const offset = (+m[9] * 3600 + +(m[10] || 0) * 60 + +(m[11] || 0)) * 1000;
    t -= m[8] === '+' ? offset : -offset;
  }
  return t;
}

const LON = /^(lon|lng|long|longitude)$/i;
const LAT = /^(lat|latitude)$/i;

export function describeResult(result) {
  const cols = result.columns;
  const info = { time: -1, numeric: [], geometry: [], lon: -1, lat: -1, group: -1 };
  cols.forEach((c, i) => {
    if (info.time < 0 && isTimeType(c.type)) info.time = i;
    if (isGeometryType(c.type)) info.geometry.push(i);
    if (isNumericType(c.type)) {
      if (info.lon < 0 && LON.test(c.name)) info.lon = i;
      else if (info.lat < 0 && LAT.test(c.name)) info.lat = i;
      else info.numeric.push(i);
    }
  });
  if (info.lon < 0 || info.lat < 0) {
    // Not a pair: they are ordinary numbers again.
    for (const i of [info.lon, info.lat]) if (i >= 0) info.numeric.push(i);
    info.numeric.sort((a, b) => a - b);
    info.lon = info.lat = -1;
  }
  // A text column with few distinct values (a device, a symbol) splits series and tracks.
  cols.forEach((c, i) => {
    if (info.group >= 0 || c.type !== 'text') return;
    const seen = new Set();
    for (const row of result.rows) {
      seen.add(row[i]);
      if (seen.size > 50) return;
    }
    if (seen.size > 1 || result.rows.length > 1) info.group = i;
  });
  info.chart = info.time >= 0 && info.numeric.length > 0 && result.rows.length > 1;
  info.map = info.geometry.length > 0 || info.lon >= 0;
  return info;
}
