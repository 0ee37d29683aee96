// The DuckDB side of bench/tpch/run.py: creates the TPC-H tables (SCHEMA: the CREATE TABLE
// statements), loads each from DIR/<table>.csv, runs the QUERIES ({name: sql}) RUNS times.
// Prints "load<TAB>ms<TAB>-" then "name<TAB>ms<TAB>ms...<TAB>answer" lines.
// usage: SCHEMA=... QUERIES=... node duckdb_tpch.mjs DIR RUNS
import { DuckDBInstance } from '@duckdb/node-api';
import { printQueryTimes } from './duckdb_queries.mjs';

const [dir, runsArg] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const t0 = performance.now();
for (const stmt of process.env.SCHEMA.split(';').map((s) => s.trim()).filter((s) => s)) {
  await con.run(stmt);
  const table = stmt.match(/CREATE TABLE (\w+)/)[1];
  await con.run(`COPY ${table} FROM '${dir}/${table}.csv' (FORMAT csv, HEADER false)`);
}
console.log(`load\t${(performance.now() - t0).toFixed(1)}\t-`);
await printQueryTimes(con, JSON.parse(process.env.QUERIES), Number(runsArg || 3));
