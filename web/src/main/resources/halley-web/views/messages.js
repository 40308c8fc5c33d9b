// The open conversation's lines: a window of at most `rendered` items of its state in the DOM.
// Rendered from state once per frame, appending what is new at the end of #messages in slices of
// a few milliseconds; lines that scroll out of the window are removed from the DOM (they stay in
// state: "show older" brings them back) and other conversations have no DOM at all. Layout is
// read only on scroll events and when older lines are brought back; following the newest line
// only writes scrollTop, once per frame.
import { t } from '../i18n.js';
import { h, dayKey, dayLabel } from '../dom.js';
import { renderItem } from '../items.js';

const SLICE_MS = 8;            // rendering a flood yields after this much of a frame
const SLACK = 200;             // lines appended below the window while the person reads above
const OLDER_STEP = 200;        // lines "show older" brings back at a time

export class MessagesView {
  /**
   * @param app the page's state
   * @param {{rendered: number, touch: (part) => void, itemView: () => object, focusInput: () => void}} options
   */
  constructor(app, options) {
    this.app = app;
    this.rendered = options.rendered;
    this.touch = options.touch;
    this.itemView = options.itemView;
    this.scroller = document.getElementById('scroller');
    this.list = document.getElementById('messages');
    this.older = document.getElementById('older');
    this.jump = document.getElementById('jump');
    this.conv = null;
    this.epoch = -1;
    this.entries = [];         // [{id, rev, els}] rendered, in order; ids are contiguous
    this.touched = 0;          // when the person last scrolled by hand
    this.wire(options.focusInput);
  }

  wire(focusInput) {
    const s = this.scroller;
    // Only the person leaves the bottom: a scroll right after their wheel, touch, key or pointer.
    // Scrolls that lines arriving, a resize or a phone's keyboard cause keep the list following.
    const touch = () => { this.touched = performance.now(); };
    s.addEventListener('wheel', touch, { passive: true });
    s.addEventListener('touchmove', touch, { passive: true });
    s.addEventListener('keydown', e => { if (/^(Page|Arrow|Home|End| )/.test(e.key)) touch(); });
    s.addEventListener('pointerdown', e => { if (e.target === s) touch(); }); // its scroll bar
    s.addEventListener('scroll', () => this.scrolled(), { passive: true });
    new ResizeObserver(() => { if (this.conv && this.conv.atBottom) this.touch('messages'); }).observe(s);
    this.jump.addEventListener('click', () => { this.follow(); focusInput(); });
    this.older.addEventListener('click', e => { if (e.target.closest('button')) this.showOlder(); });
  }

  scrolled() {
    const c = this.conv;
    if (!c) return;
    const s = this.scroller;
    const fromBottom = s.scrollHeight - s.scrollTop - s.clientHeight;
    if (fromBottom < 30) {
      if (!c.atBottom) { c.atBottom = true; this.touch('messages'); }
    } else if (performance.now() - this.touched < 1000) {
      c.atBottom = false;
    } else if (c.atBottom) {
      this.touch('messages'); // pushed off the bottom by a resize: back to it next frame
    }
    c.scrollTop = s.scrollTop;
  }

  /** Back to the newest line (the jump button, a line the person sent). */
  follow() {
    if (!this.conv) return;
    this.conv.atBottom = true;
    this.touch('messages');
  }

  /** Renders what changed since the last frame; true when a slice is left for the next one. */
  render() {
    const c = this.app.current;
    if (!c) { this.list.replaceChildren(); this.entries = []; this.conv = null; return false; }
    const started = performance.now();
    if (c !== this.conv || c.epoch !== this.epoch) this.reset(c);
    this.refreshLast(c);
    let next = this.nextIndex(c);
    if (c.atBottom && c.items.length - next > this.rendered * 3) { this.reset(c); next = c.items.length; }
    const room = c.atBottom ? Infinity : this.rendered + SLACK - this.entries.length;
    const end = Math.min(c.items.length, next + Math.max(0, room));
    const frag = document.createDocumentFragment();
    let i = next;
    for (; i < end && (i === next || performance.now() - started < SLICE_MS); i++) frag.append(...this.entry(c, i, false).els);
    this.list.append(frag);
    if (c.atBottom) this.trimFront();
    const more = i < end;
    this.renderOlder(c);
    const newer = c.items.length - i;
    this.jump.hidden = c.atBottom || (newer === 0 && !this.awayAppended(next, i, c));
    if (c.atBottom) this.scroller.scrollTop = 1e9; // clamped to the bottom: a write, no read
    return more;
  }

  /** Index in c.items of the first item not rendered yet (ids are contiguous; old ones may be dropped). */
  nextIndex(c) {
    if (!this.entries.length || !c.items.length) return 0;
    return Math.max(0, Math.min(c.items.length, this.entries[this.entries.length - 1].id + 1 - c.items[0].id));
  }

  /** The person's lines waiting to go (not in the window: they stay below it until echoed). */
  renderPending(c) {
    const list = document.getElementById('pending');
    list.replaceChildren(...(c ? c.pending.map(p => renderItem(p, this.itemView())) : []));
    if (c && c.atBottom) this.touch('messages');
  }

  awayAppended(from, to, c) {
    if (c.atBottom) { this.unseen = false; return false; }
    for (let i = from; i < to; i++) if (c.items[i].t === 'msg') this.unseen = true;
    return !!this.unseen;
  }

  /** A new conversation on screen (or its lines were cleared): its last `rendered` items. */
  reset(c) {
    const switched = c !== this.conv;
    this.conv = c;
    this.epoch = c.epoch;
    this.entries = [];
    this.unseen = false;
    this.list.replaceChildren();
    const from = Math.max(0, c.items.length - this.rendered);
    const frag = document.createDocumentFragment();
    for (let i = from; i < c.items.length; i++) frag.append(...this.entry(c, i, false).els);
    this.list.append(frag);
    if (switched && !c.atBottom) requestAnimationFrame(() => { this.scroller.scrollTop = c.scrollTop || 0; });
  }

  /**
   * The item at index i as elements (a day marker when it starts a day or the window, the unread
   * marker, its line), recorded at the end of the window or, `front`, at its start.
   */
  entry(c, i, front = false, top = false) {
    const item = c.items[i];
    const els = [];
    const prev = c.items[i - 1];
    if (top || (!front && this.entries.length === 0) || !prev || dayKey(prev.time) !== dayKey(item.time)) {
      els.push(h('li', { class: 'marker day', role: 'separator' }, dayLabel(item.time)));
    }
    if (item.id === c.firstUnread) els.push(h('li', { class: 'marker unread', role: 'separator' }, t('messages.unread')));
    els.push(renderItem(item, this.itemView()));
    const e = { id: item.id, rev: item.rev, els };
    if (front) this.entries.unshift(e); else this.entries.push(e);
    return e;
  }

  /** The last line changed in place (joins folded into a group, or a group opened): drawn again. */
  refreshLast(c) {
    const e = this.entries[this.entries.length - 1];
    if (!e) return;
    const i = c.indexOf(e.id);
    if (i >= 0 && c.items[i].rev !== e.rev) this.redraw(e, c.items[i]);
  }

  redraw(e, item) {
    const el = renderItem(item, this.itemView());
    e.els[e.els.length - 1].replaceWith(el);
    e.els[e.els.length - 1] = el;
    e.rev = item.rev;
  }

  /** A folded group opened or closed by the person. */
  toggled(item) {
    const e = this.entries.find(x => x.id === item.id);
    item.rev++;
    if (e) this.redraw(e, item);
  }

  /**
   * Keeps the window at `rendered` items. Lines scrolled out go in chunks (a tenth of the window
   * at a time), not one per new line: each removal above the viewport moves every line below it.
   */
  trimFront() {
    if (this.entries.length <= this.rendered) return;
    const extra = this.entries.length - Math.floor(this.rendered * 0.9);
    for (const e of this.entries.splice(0, extra)) for (const el of e.els) el.remove();
  }

  /** Brings back older lines of the state above the window, keeping what is on screen in place. */
  showOlder() {
    const c = this.conv;
    if (!c || !this.entries.length) return;
    const first = c.indexOf(this.entries[0].id);
    if (first <= 0) return;
    c.atBottom = false;
    const from = Math.max(0, first - OLDER_STEP);
    const s = this.scroller;
    const height = s.scrollHeight;
    const firstEls = this.entries[0].els;
    if (firstEls[0].classList.contains('day') && dayKey(c.items[first - 1].time) === dayKey(c.items[first].time)) {
      firstEls.shift().remove(); // the day continues from the older lines
    }
    const frag = document.createDocumentFragment();
    for (let i = first - 1; i >= from; i--) frag.prepend(...this.entry(c, i, true, i === from).els);
    this.list.prepend(frag);
    s.scrollTop += s.scrollHeight - height;
    const over = this.entries.length - (this.rendered * 2 + SLACK); // bounded too: the newest go, the jump brings them
    if (over > 0) for (const e of this.entries.splice(this.entries.length - over)) for (const el of e.els) el.remove();
    this.renderOlder(c);
    this.jump.hidden = false;
  }

  /** Above the lines: a button for older lines still in state, and what was dropped for good. */
  renderOlder(c) {
    const first = this.entries.length ? c.indexOf(this.entries[0].id) : 0;
    const hidden = Math.max(0, first);
    const key = `${hidden}/${c.dropped}`;
    if (key === this.olderKey) return;
    this.olderKey = key;
    const parts = [];
    if (c.dropped) parts.push(h('span', { class: 'dropped' }, t('messages.dropped', { count: c.dropped, max: this.app.scrollback })));
    if (hidden) parts.push(h('button', { type: 'button', class: 'secondary small', id: 'show-older' }, t('messages.showOlder', { count: hidden })));
    this.older.replaceChildren(...parts);
    this.older.hidden = parts.length === 0;
  }
}
