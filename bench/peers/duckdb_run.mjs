// Runs the benchmark's DuckDB side: loads the CSVs, runs each query RUNS times, prints
// "name<TAB>ms<TAB>ms...<TAB>answer" lines. usage: node duckdb_run.mjs DIR RUNS
import { DuckDBInstance } from '@duckdb/node-api';
import { printQueryTimes } from './duckdb_queries.mjs';

const [dir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const FIELDS = ['usage_user', 'usage_system', 'usage_idle', 'usage_nice', 'usage_iowait', 'usage_irq', 'usage_softirq',
  'usage_steal', 'usage_guest', 'usage_guest_nice'];
const TAGS = ['region', 'datacenter', 'rack', 'os', 'arch', 'team', 'service', 'service_version', 'service_environment'];
const t0 = performance.now();
await con.run(`CREATE TABLE trades AS SELECT * FROM read_csv('${dir}/trades.csv', header=false, columns={'sym':'VARCHAR','ts':'TIMESTAMP','px':'DOUBLE'})`);
await con.run(`CREATE TABLE quotes AS SELECT * FROM read_csv('${dir}/quotes.csv', header=false, columns={'sym':'VARCHAR','ts':'TIMESTAMP','bid':'DOUBLE'})`);
await con.run(`CREATE TABLE cpu AS SELECT * FROM read_csv('${dir}/cpu.csv', header=false, columns={'host':'VARCHAR','ts':'TIMESTAMP',${FIELDS.map((f) => `'${f}':'INTEGER'`).join(',')},${TAGS.map((t) => `'${t}':'VARCHAR'`).join(',')}})`);
await con.run(`CREATE TABLE readings AS SELECT * FROM read_csv('${dir}/readings.csv', header=false, columns={'name':'VARCHAR','fleet':'VARCHAR','model':'VARCHAR','ts':'TIMESTAMP','latitude':'DOUBLE','longitude':'DOUBLE','velocity':'DOUBLE','fuel_state':'DOUBLE','current_load':'INTEGER'})`);
console.log(`load\t${(performance.now() - t0).toFixed(1)}\t-`);
await printQueryTimes(con, JSON.parse(process.env.QUERIES), runs);
// Bytes on disk of the cpu table: written to a database file of its own, then its size.
{
  const { statSync, rmSync } = await import('node:fs');
  const file = `${dir}/duck_cpu.db`;
  const disk = await DuckDBInstance.create(file);
  const dcon = await disk.connect();
  await dcon.run(`CREATE TABLE cpu AS SELECT * FROM read_csv('${dir}/cpu.csv', header=false, columns={'host':'VARCHAR','ts':'TIMESTAMP',${FIELDS.map((f) => `'${f}':'INTEGER'`).join(',')},${TAGS.map((t) => `'${t}':'VARCHAR'`).join(',')}})`);
  await dcon.run('CHECKPOINT');
  dcon.closeSync?.();
  console.log(`disk_bytes_cpu\t-\t${statSync(file).size}`);
  rmSync(file, { force: true });
}
