// The SQL editor (CodeMirror 6): PostgreSQL highlighting, completion of table and column names
// from the schema, undo history, Ctrl/Cmd+Enter to run (the selection if there is one), and an
// error mark at the position the server reports.
import { EditorView, keymap, lineNumbers, highlightActiveLine, Decoration } from '@codemirror/view';
import { EditorState, StateField, StateEffect, Compartment } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from '@codemirror/language';
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { sql, PostgreSQL } from '@codemirror/lang-sql';

const setError = StateEffect.define();
const errorMark = Decoration.mark({ class: 'cm-sql-error' });
const errorLine = Decoration.line({ class: 'cm-sql-error-line' });

// The error decoration lives until the text changes.
const errorField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    if (tr.docChanged) marks = Decoration.none;
    for (const e of tr.effects) {
      if (!e.is(setError)) continue;
      if (e.value === null) marks = Decoration.none;
      else {
        const { from, to } = e.value;
        const line = tr.state.doc.lineAt(from);
        marks = Decoration.set([errorLine.range(line.from), errorMark.range(from, to)], true);
      }
    }
    return marks;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export class SqlEditor {
  constructor(parent, { text, onRun }) {
    this.language = new Compartment();
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          lineNumbers(),
          highlightActiveLine(),
          history(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle),
          autocompletion(),
          this.language.of(sql({ dialect: PostgreSQL, upperCaseKeywords: true })),
          errorField,
          keymap.of([
            { key: 'Mod-Enter', preventDefault: true, run: () => { onRun(); return true; } },
            { key: 'Shift-Enter', preventDefault: true, run: () => { onRun(); return true; } },
            ...completionKeymap,
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.lineWrapping,
        ],
      }),
    });
  }

  // The text to run: the selection when there is one, else everything. `offset` is where it starts.
  statement() {
    const { state } = this.view;
    const sel = state.selection.main;
    if (!sel.empty) return { text: state.sliceDoc(sel.from, sel.to), offset: sel.from };
    return { text: state.doc.toString(), offset: 0 };
  }

  setText(text) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }

  // Marks the token at a 1-based character position of the text that was run (PostgreSQL
  // counts characters in code points; CodeMirror in UTF-16 units, so astral characters are mapped).
  markError(position, run) {
    if (!position) return this.view.dispatch({ effects: setError.of(null) });
    const units = codePointsToUnits(run.text, position - 1);
    const doc = this.view.state.doc;
    const from = Math.min(doc.length, run.offset + units);
    let to = from;
    const text = doc.sliceString(from, Math.min(doc.length, from + 64));
    const word = /^("[^"]*"?|'[^']*'?|[\p{L}\p{N}_$]+|\S)/u.exec(text);
    to = from + (word ? word[0].length : 0);
    if (to === from && from > 0) return this.markError(position - 1, run);
    this.view.dispatch({ effects: setError.of({ from, to }), selection: { anchor: from }, scrollIntoView: true });
  }

  clearError() { this.view.dispatch({ effects: setError.of(null) }); }

  // Table and column names for completion: {table: [columns]}.
  setSchema(schema) {
    this.view.dispatch({ effects: this.language.reconfigure(sql({ dialect: PostgreSQL, upperCaseKeywords: true, schema })) });
  }

  focus() { this.view.focus(); }
}

function codePointsToUnits(text, points) {
  let units = 0;
  for (const ch of text) {
    if (points-- <= 0) break;
    units += ch.length;
  }
  return units;
}
