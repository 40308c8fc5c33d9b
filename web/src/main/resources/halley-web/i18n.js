// Message catalogues. Every string the page shows comes from i18n/<lang>.json; English is complete
// and the fallback for any key another language lacks. Parameters are {name}; a value may be a
// DOM node (tNodes), so a nick can be styled without ever turning text into markup.

export const LANGUAGES = ['en', 'de'];
let lang = 'en';
let messages = {};
let fallback = {};

/** Picks the language: ?lang=, then the browser's preferences, then English. */
export function chooseLanguage(params = new URLSearchParams(location.search), prefs = navigator.languages || [navigator.language]) {
  const wanted = [params.get('lang'), ...prefs].filter(Boolean).map(l => l.toLowerCase().split('-')[0]);
  return wanted.find(l => LANGUAGES.includes(l)) || 'en';
}

export async function loadLanguage(chosen) {
  const get = async l => (await fetch(`i18n/${l}.json`)).json();
  fallback = await get('en');
  messages = chosen === 'en' ? fallback : { ...fallback, ...(await get(chosen)) };
  lang = chosen;
  document.documentElement.lang = chosen;
}

export const language = () => lang;

function lookup(key, params) {
  let m = messages[key] ?? fallback[key];
  if (m === undefined) return key;
  if (typeof m === 'object') {
    const rule = new Intl.PluralRules(lang).select(Number(params.count ?? 0));
    m = m[rule] ?? m.other;
  }
  return m;
}

/** The message for key with {params} filled in, as a string. */
export function t(key, params = {}) {
  return lookup(key, params).replace(/\{(\w+)\}/g, (all, name) => (name in params ? show(params[name]) : all));
}

/** Numbers as the language writes them (10,000 / 10.000). */
const show = v => (typeof v === 'number' ? new Intl.NumberFormat(lang).format(v) : String(v));

/** The message as a fragment: string params become text, node params are inserted as they are. */
export function tNodes(key, params = {}) {
  const frag = document.createDocumentFragment();
  const parts = lookup(key, params).split(/\{(\w+)\}/);
  parts.forEach((part, i) => {
    if (i % 2 === 0) { if (part) frag.append(document.createTextNode(part)); return; }
    const v = params[part];
    // Each value is isolated (<bdi>): a direction mark in a nick, reason or topic from the
    // network cannot reorder the page's sentence around it.
    const bdi = document.createElement('bdi');
    bdi.append(v instanceof Node ? v : document.createTextNode(v === undefined ? `{${part}}` : show(v)));
    frag.append(bdi);
  });
  return frag;
}

/** Fills static markup: data-i18n (text), data-i18n-placeholder, -title, -aria-label. */
export function applyTo(root) {
  root.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    const data = `i18n${attr.replace(/(^|-)(\w)/g, (a, d, c) => c.toUpperCase())}`;
    root.querySelectorAll(`[data-i18n-${attr}]`).forEach(el => el.setAttribute(attr, t(el.dataset[data])));
  }
}
