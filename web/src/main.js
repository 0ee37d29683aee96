// The console's page: wires the editor, the schema browser, the history and the three result
// views (grid, time chart, map), and picks the view that suits each result.
import './style.css';
import { SqlEditor } from './editor.js';
import { ResultGrid } from './grid.js';
import { TimeChart } from './chart.js';
import { ResultMap } from './map.js';
import { loadSchema } from './schema.js';
import { runSql } from './api.js';
import { describeResult } from './detect.js';
import { History } from './history.js';

const $ = (id) => document.getElementById(id);
const history = new History($('history'), (text) => editor.setText(text));
const editor = new SqlEditor($('editor'), {
  text: history.last() || 'SELECT device, ts, temperature\nFROM sensor_readings\nWHERE ts < timestamptz \'2026-11-01 06:00+00\'\nORDER BY ts;',
  onRun: run,
});
const grid = new ResultGrid($('view-table'));
const chart = new TimeChart($('view-chart'));
const map = new ResultMap($('view-map'), $('map-note'));
let views = { table: true, chart: false, map: false };
let running = false;

for (const tab of document.querySelectorAll('#tabs button')) tab.addEventListener('click', () => showView(tab.dataset.view));
$('run').addEventListener('click', run);
$('refresh-schema').addEventListener('click', refreshSchema);

async function refreshSchema() {
  const completion = await loadSchema($('schema'), {
    onPick: (text) => {
      editor.setText(text);
      run();
    },
  });
  editor.setSchema(completion);
}

async function run() {
  if (running) return;
  const statement = editor.statement();
  if (!statement.text.trim()) return;
  running = true;
  document.body.dataset.state = 'running';
  $('status').textContent = 'running…';
  $('error').hidden = true;
  editor.clearError();
  const { result, error, ms } = await runSql(statement.text);
  running = false;
  history.add(statement.text);
  if (error) {
    document.body.dataset.state = 'error';
    $('status').textContent = `failed after ${ms.toFixed(0)} ms`;
    showError(error, statement);
    return;
  }
  document.body.dataset.state = 'done';
  const rows = result.rows.length;
  const server = result.timing_ms !== undefined ? `, ${result.timing_ms.toFixed(1)} ms in the server` : '';
  $('status').textContent = result.columns.length
    ? `${result.truncated ? `first ${rows} of ${result.row_count}` : rows} row${rows === 1 ? '' : 's'} in ${ms.toFixed(0)} ms${server}`
    : `${result.tag || 'OK'} (${ms.toFixed(0)} ms)`;
  if (/^(CREATE|DROP|ALTER)/.test(result.tag || '')) refreshSchema();
  grid.show(result);
  $('view-table').dataset.rows = String(rows);
  const info = describeResult(result);
  views = { table: true, chart: info.chart, map: info.map };
  for (const tab of document.querySelectorAll('#tabs button')) tab.disabled = !views[tab.dataset.view];
  // The automatic view: a map for places, a chart for series, else the grid.
  const view = info.map ? 'map' : info.chart ? 'chart' : 'table';
  showView(view);
  if (info.chart) {
    showPanel('chart');  // uPlot needs a laid-out container to size itself
    chart.show(result, info);
    $('view-chart').dataset.series = String(chart.seriesCount);
    showPanel(view);
  } else chart.clear();
  if (info.map) await map.show(result, info);
}

function showView(view) {
  if (!views[view]) return;
  for (const tab of document.querySelectorAll('#tabs button')) tab.classList.toggle('active', tab.dataset.view === view);
  showPanel(view);
  if (view === 'map') map.resize();
}

function showPanel(view) {
  for (const panel of document.querySelectorAll('.result-view')) panel.hidden = panel.id !== `view-${view}`;
}

function showError(error, statement) {
  const box = $('error');
  box.hidden = false;
  box.textContent = '';
  const head = document.createElement('div');
  head.textContent = `ERROR:  ${error.message}`;
  box.appendChild(head);
  if (error.sqlstate) {
    const code = document.createElement('small');
    code.textContent = `SQLSTATE ${error.sqlstate}${error.position ? `, position ${error.position}` : ''}`;
    box.appendChild(code);
  }
  if (error.detail) {
    const detail = document.createElement('div');
    detail.textContent = `DETAIL:  ${error.detail}`;
    box.appendChild(detail);
  }
  editor.markError(error.position || 0, statement);
}

refreshSchema();
editor.focus();
