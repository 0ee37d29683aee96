// Talks to the server's HTTP API: POST /exec with the SQL as the body.
const MAX_ROWS = 200000;  // more rows than a browser tab should hold; the server says when it cut

export async function runSql(text) {
  const started = performance.now();
  let response;
  try {
    response = await fetch(`/exec?max_rows=${MAX_ROWS}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: text,
    });
  } catch (e) {
    return { error: { message: `cannot reach the server: ${e.message}` }, ms: performance.now() - started };
  }
  let body;
  try {
    body = await response.json();
  } catch {
    return { error: { message: `HTTP ${response.status}: the server did not answer with JSON` }, ms: performance.now() - started };
  }
  const ms = performance.now() - started;
  if (body.error) return { error: typeof body.error === 'string' ? { message: body.error } : body.error, ms };
  return { result: body, ms };
}
