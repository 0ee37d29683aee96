// Shared by the DuckDB sides of the benchmarks: an answer as one line, and each query of
// `queries` ({name: sql}) run `runs` times, printed as "name<TAB>ms<TAB>ms...<TAB>answer".
export const answerOf = (reader) => reader.getRows().map((r) => r.map((v) => String(v)).join('|')).join(';');

export async function printQueryTimes(con, queries, runs) {
  for (const [name, sql] of Object.entries(queries)) {
    const times = [];
    let answer = '';
    for (let k = 0; k < runs; ++k) {
      const t = performance.now();
      const reader = await con.runAndReadAll(sql);
      times.push((performance.now() - t).toFixed(1));
      answer = answerOf(reader);
    }
    console.log(`${name}\t${times.join('\t')}\t${answer}`);
  }
}
