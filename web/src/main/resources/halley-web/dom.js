// Small DOM helpers shared by the page's modules. Strings only ever become text nodes here.
import { language } from './i18n.js';
import { nickColour } from './irc-format.js';

/** An element; string children become text nodes, never markup. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

// Direction overrides and invisible characters could make one name look like another ("\u202Eecila"
// shows as "alice"): names are shown with them replaced by a visible mark; the real name is kept.
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
export const shownName = name => name.replace(INVISIBLE, '\ufffd');

export function nickEl(nick, tag = 'span') {
  const shown = shownName(nick);
  return h(tag, { class: `nick ${nickColour(nick)}${shown !== nick ? ' odd' : ''}`, dataset: { nick }, title: nick.length > 12 || shown !== nick ? shown : undefined,
    type: tag === 'button' ? 'button' : undefined }, shown);
}

// Made once per language: a formatter costs far more to make than to use (two per line rendered).
const formats = new Map();
const format = (kind, options) => {
  const key = `${kind}/${language()}`;
  let f = formats.get(key);
  if (!f) formats.set(key, f = new Intl.DateTimeFormat(language(), options));
  return f;
};
export const timeFormat = () => format('time', { timeStyle: 'short' });
export const fullFormat = () => format('full', { dateStyle: 'full', timeStyle: 'medium' });
export const dayKey = d => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;

export function dayLabel(d) {
  const midnight = x => new Date(x.getFullYear(), x.getMonth(), x.getDate());
  const days = Math.round((midnight(new Date()) - midnight(d)) / 86400000);
  if (days >= 0 && days <= 1) {
    const s = new Intl.RelativeTimeFormat(language(), { numeric: 'auto' }).format(-days, 'day');
    return s.charAt(0).toLocaleUpperCase(language()) + s.slice(1);
  }
  return new Intl.DateTimeFormat(language(), { dateStyle: 'full' }).format(d);
}
