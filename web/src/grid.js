// The result grid: a virtual scroller that only keeps the visible rows in the DOM, so 100k-row
// results scroll as smoothly as 10-row ones. The header stays on top; columns get widths from
// their names and a sample of values.
import { isNumericType } from './detect.js';

const ROW_HEIGHT = 24;
const OVERSCAN = 8;

export class ResultGrid {
  constructor(container) {
    this.container = container;
    this.viewport = document.createElement('div');
    this.viewport.className = 'grid-viewport';
    container.appendChild(this.viewport);
    this.viewport.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    this.result = null;
    this.pending = false;
  }

  show(result) {
    this.result = result;
    this.viewport.textContent = '';
    this.viewport.scrollTop = 0;
    const cols = result.columns;
    const sample = result.rows.slice(0, 200);
    this.widths = cols.map((c, i) => {
      let chars = Math.max(c.name.length, c.type.length * 0.8);
      for (const row of sample) chars = Math.max(chars, display(row[i]).length);
      return Math.round(Math.min(360, Math.max(64, chars * 7.5 + 18)));
    });
    this.numeric = cols.map((c) => isNumericType(c.type));
    const total = this.widths.reduce((a, b) => a + b, 0) + 56;

    const header = document.createElement('div');
    header.className = 'grid-header';
    header.style.width = `${total}px`;
    header.appendChild(cell('#', 56, 'grid-rownum'));
    cols.forEach((c, i) => {
      const h = cell('', this.widths[i], this.numeric[i] ? 'num' : '');
      h.innerHTML = `<b></b><small></small>`;
      h.firstChild.textContent = c.name;
      h.lastChild.textContent = c.type;
      h.title = `${c.name} ${c.type}`;
      header.appendChild(h);
    });
    this.viewport.appendChild(header);

    this.body = document.createElement('div');
    this.body.className = 'grid-body';
    this.body.style.height = `${result.rows.length * ROW_HEIGHT}px`;
    this.body.style.width = `${total}px`;
    this.viewport.appendChild(this.body);
    this.rendered = new Map();  // row index -> element
    this.render();
  }

  schedule() {
    if (this.pending || !this.result) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  render() {
    const rows = this.result.rows;
    const top = Math.max(0, this.viewport.scrollTop - ROW_HEIGHT);  // header height
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + this.viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [i, el] of this.rendered) {
      if (i < first || i >= last) {
        el.remove();
        this.rendered.delete(i);
      }
    }
    for (let i = first; i < last; i++) {
      if (this.rendered.has(i)) continue;
      const el = document.createElement('div');
      el.className = 'grid-row';
      el.style.top = `${i * ROW_HEIGHT}px`;
      el.appendChild(cell(String(i + 1), 56, 'grid-rownum'));
      rows[i].forEach((v, c) => {
        const d = cell(display(v), this.widths[c], this.numeric[c] ? 'num' : '');
        if (v === null) d.classList.add('null');
        el.appendChild(d);
      });
      this.body.appendChild(el);
      this.rendered.set(i, el);
    }
  }
}

function display(v) {
  if (v === null) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function cell(text, width, cls) {
  const d = document.createElement('div');
  d.className = `grid-cell ${cls}`;
  d.style.width = `${width}px`;
  d.textContent = text;
  return d;
}
