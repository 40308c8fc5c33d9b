// The message input: Enter sends, Shift+Enter breaks the line, Up/Down walk the history, Tab
// completes nicks, channels and commands, and a paste of several lines is handed over whole so
// the page can ask before sending it.
import { splitLines } from './commands.js';

const HISTORY = 100;

export class Composer {
  /**
   * @param {HTMLTextAreaElement} input
   * @param {{submit: (text: string) => void, paste: (lines: string[]) => void,
   *          candidates: (prefix: string, atStart: boolean) => string[]}} handlers
   */
  constructor(input, handlers) {
    this.input = input;
    this.handlers = handlers;
    this.history = [];
    this.index = -1;     // position in history while browsing; -1: the draft
    this.draft = '';
    this.completion = null;
    input.addEventListener('keydown', e => this.keydown(e));
    input.addEventListener('input', () => { this.completion = null; this.grow(); });
    input.addEventListener('paste', e => this.paste(e));
  }

  keydown(e) {
    if (e.key !== 'Tab') this.completion = null;
    if (e.isComposing || e.keyCode === 229) return; // an input method is composing: Enter is theirs
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      this.submit();
    } else if (e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey) {
      if (this.complete(e.shiftKey ? -1 : 1)) e.preventDefault();
    } else if (e.key === 'ArrowUp' && !e.altKey && !this.input.value.slice(0, this.input.selectionStart).includes('\n')) {
      if (this.browse(1)) e.preventDefault();
    } else if (e.key === 'ArrowDown' && !e.altKey && !this.input.value.slice(this.input.selectionEnd).includes('\n')) {
      if (this.browse(-1)) e.preventDefault();
    } else if (e.key === 'Escape' && this.input.value) {
      this.set('');
    }
  }

  submit() {
    const text = this.input.value;
    if (!text.trim()) return;
    if (this.history[0] !== text) this.history.unshift(text);
    this.history.length = Math.min(this.history.length, HISTORY);
    this.index = -1;
    this.set('');
    this.handlers.submit(text);
  }

  browse(step) {
    const next = this.index + step;
    if (next < -1 || next >= this.history.length) return false;
    if (this.index === -1) this.draft = this.input.value;
    this.index = next;
    this.set(next === -1 ? this.draft : this.history[next]);
    return true;
  }

  set(value) {
    this.input.value = value;
    this.input.setSelectionRange(value.length, value.length);
    this.grow();
  }

  /** Cycles through the candidates for the word before the caret. */
  complete(step) {
    const el = this.input;
    let c = this.completion;
    if (!c) {
      const caret = el.selectionStart;
      const before = el.value.slice(0, caret);
      const start = before.search(/\S*$/);
      const prefix = before.slice(start);
      if (!prefix) return false;
      const list = this.handlers.candidates(prefix, start === 0);
      if (!list.length) return true; // nothing to complete: keep focus here anyway
      c = this.completion = { start, end: caret, list, index: step > 0 ? -1 : 0, atStart: start === 0 };
    }
    c.index = (c.index + step + c.list.length) % c.list.length;
    const word = c.list[c.index];
    const suffix = c.atStart && !/^[/#&!+]/.test(word) ? ': ' : ' ';
    const value = el.value.slice(0, c.start) + word + suffix + el.value.slice(c.end);
    const caret = c.start + word.length + suffix.length;
    el.value = value;
    el.setSelectionRange(caret, caret);
    c.end = caret;
    this.grow();
    return true;
  }

  paste(e) {
    const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    if (!/[\r\n\u2028\u2029]/.test(text)) return; // one line: the browser pastes it
    e.preventDefault();
    const lines = splitLines(text);
    if (lines.length === 1) {
      document.execCommand('insertText', false, lines[0]) || this.set(this.input.value + lines[0]);
      return;
    }
    if (lines.length > 1) this.handlers.paste(lines);
  }

  grow() {
    const el = this.input;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, 150)}px`;
  }
}
