// The schema browser: tables and views with their columns, from information_schema. Clicking a
// table runs a preview query; the names also feed the editor's completion.
import { runSql } from './api.js';

const SCHEMA_SQL = `SELECT c.table_schema, c.table_name, t.table_type, c.column_name,
  CASE WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END
FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY c.table_schema, c.table_name, c.ordinal_position`;

export async function loadSchema(container, { onPick }) {
  const { result, error } = await runSql(SCHEMA_SQL);
  container.textContent = '';
  if (error) {
    container.textContent = `schema: ${error.message}`;
    return {};
  }
  const tables = new Map();
  for (const [schema, table, kind, column, type] of result.rows) {
    const key = schema === 'public' ? table : `${schema}.${table}`;
    if (!tables.has(key)) tables.set(key, { kind, columns: [] });
    tables.get(key).columns.push([column, type]);
  }
  const completion = {};
  for (const [name, { kind, columns }] of tables) {
    completion[name] = columns.map(([c]) => c);
    const details = document.createElement('details');
    details.className = 'schema-table';
    const summary = document.createElement('summary');
    const label = document.createElement('span');
    label.textContent = name;
    label.className = kind === 'VIEW' ? 'rel-view' : 'rel-table';
    label.title = `${kind === 'VIEW' ? 'view' : 'table'} ${name}: double-click to preview`;
    label.addEventListener('dblclick', (e) => {
      e.preventDefault();
      onPick(`SELECT * FROM ${quoteName(name)} LIMIT 1000;`);
    });
    summary.appendChild(label);
    details.appendChild(summary);
    const list = document.createElement('ul');
    for (const [column, type] of columns) {
      const li = document.createElement('li');
      li.textContent = column;
      const t = document.createElement('small');
      t.textContent = ` ${type}`;
      li.appendChild(t);
      list.appendChild(li);
    }
    details.appendChild(list);
    container.appendChild(details);
  }
  return completion;
}

function quoteName(name) {
  return name.split('.').map((part) => (/^[a-z_][a-z0-9_]*$/.test(part) ? part : `"${part.replace(/"/g, '""')}"`)).join('.');
}
