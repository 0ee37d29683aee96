// Hex (E)WKB, as yunhe and PostGIS print geometry values, to GeoJSON geometries, so the map can
// draw query results without a server-side conversion. Handles PostGIS's SRID/Z/M flag bits and
// ISO WKB's 1000/2000/3000 type offsets; Z and M values are dropped (the map is 2-D).

export function parseEwkbHex(hex) {
  if (typeof hex !== 'string' || hex.length < 10 || hex.length % 2) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = parseInt(hex.substr(2 * i, 2), 16);
    if (Number.isNaN(b)) return null;
    bytes[i] = b;
  }
  try {
    const reader = { view: new DataView(bytes.buffer), pos: 0, srid: 0 };
    const geometry = readGeometry(reader);
    return { geometry, srid: reader.srid };
  } catch {
    return null;  // truncated or not WKB: the caller shows the value as text only
  }
}

function readGeometry(r) {
  const little = r.view.getUint8(r.pos) === 1;
  r.pos += 1;
  let type = r.view.getUint32(r.pos, little);
  r.pos += 4;
  let dims = 2;
  if (type & 0x80000000) dims++;
  if (type & 0x40000000) dims++;
  if (type & 0x20000000) {
    r.srid = r.view.getInt32(r.pos, little);
    r.pos += 4;
  }
  type &= 0x0fffffff;
  if (type >= 1000) {
    const iso = Math.floor(type / 1000);
    dims = iso === 3 ? 4 : 3;
    type %= 1000;
  }
  const point = () => {
    const x = r.view.getFloat64(r.pos, little);
    const y = r.view.getFloat64(r.pos + 8, little);
    r.pos += 8 * dims;
    return [x, y];
  };
  const count = () => {
    const n = r.view.getUint32(r.pos, little);
    r.pos += 4;
    return n;
  };
  const points = () => Array.from({ length: count() }, point);
  const rings = () => Array.from({ length: count() }, points);
  const parts = () => Array.from({ length: count() }, () => readGeometry(r));
  switch (type) {
    case 1: {
      const p = point();
      return Number.isNaN(p[0]) ? null : { type: 'Point', coordinates: p };
    }
    case 2: return { type: 'LineString', coordinates: points() };
    case 3: return { type: 'Polygon', coordinates: rings() };
    case 4: return { type: 'MultiPoint', coordinates: parts().filter(Boolean).map((g) => g.coordinates) };
    case 5: return { type: 'MultiLineString', coordinates: parts().map((g) => g.coordinates) };
    case 6: return { type: 'MultiPolygon', coordinates: parts().map((g) => g.coordinates) };
    case 7: return { type: 'GeometryCollection', geometries: parts().filter(Boolean) };
    default: throw new Error(`WKB type ${type} not drawn`);
  }
}

// [minLon, minLat, maxLon, maxLat] of a geometry's coordinates, folded into `box`.
export function extendBox(box, geometry) {
  const visit = (c) => {
    if (typeof c[0] === 'number') {
      if (c[0] < box[0]) box[0] = c[0];
      if (c[1] < box[1]) box[1] = c[1];
      if (c[0] > box[2]) box[2] = c[0];
      if (c[1] > box[3]) box[3] = c[1];
    } else c.forEach(visit);
  };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g) => extendBox(box, g));
  else visit(geometry.coordinates);
  return box;
}
