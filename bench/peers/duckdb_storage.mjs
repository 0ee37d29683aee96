// DuckDB's side of bench/storage.sh, on a database file of its own with a memory limit.
// usage: node duckdb_storage.mjs load FILE LIMIT CSV...     one "window<TAB>k<TAB>ms" line per CSV
//        node duckdb_storage.mjs open FILE LIMIT SQL          "open<TAB>ms_to_first_answer<TAB>answer"
//        node duckdb_storage.mjs query FILE LIMIT RUNS JSON   "name<TAB>ms<TAB>ms...<TAB>answer" per query
import { DuckDBInstance } from '@duckdb/node-api';
import { answerOf, printQueryTimes } from './duckdb_queries.mjs';

const [mode, file, limit, ...rest] = process.argv.slice(2);
const t0 = performance.now();
const instance = await DuckDBInstance.create(file);
const con = await instance.connect();
await con.run(`SET memory_limit = '${limit}'`);
await con.run(`SET threads = 2`);
if (mode === 'load') {
  await con.run(`CREATE TABLE IF NOT EXISTS fix (ts TIMESTAMPTZ, device VARCHAR, lon DOUBLE, lat DOUBLE, speed INTEGER, temp INTEGER)`);
  let k = 0;
  for (const csv of rest) {
    const t = performance.now();
    await con.run(`COPY fix FROM '${csv}' (FORMAT csv, HEADER false)`);
    await con.run('CHECKPOINT');
    console.log(`window\t${++k}\t${(performance.now() - t).toFixed(1)}`);
  }
} else if (mode === 'open') {
  const reader = await con.runAndReadAll(rest[0]);
  console.log(`open\t${(performance.now() - t0).toFixed(1)}\t${answerOf(reader)}`);
} else if (mode === 'query') {
  await printQueryTimes(con, JSON.parse(rest[1]), Number(rest[0]));
}
