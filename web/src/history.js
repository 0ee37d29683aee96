// Statements run before, newest first, kept in the browser (localStorage) across visits.
const KEY = 'yunhe.history';
const LIMIT = 100;

export class History {
  constructor(list, onPick) {
    this.list = list;
    this.onPick = onPick;
    try {
      this.items = JSON.parse(localStorage.getItem(KEY) || '[]');
    } catch {
      this.items = [];
    }
    this.render();
  }

  last() { return this.items[0]; }

  add(text) {
    text = text.trim();
    this.items = [text, ...this.items.filter((t) => t !== text)].slice(0, LIMIT);
    try {
      localStorage.setItem(KEY, JSON.stringify(this.items));
    } catch {
      // storage full or disabled: history lasts for this page only
    }
    this.render();
  }

  render() {
    this.list.textContent = '';
    for (const text of this.items) {
      const li = document.createElement('li');
      li.textContent = text.replace(/\s+/g, ' ');
      li.title = text;
      li.addEventListener('click', () => this.onPick(text));
      this.list.appendChild(li);
    }
  }
}
