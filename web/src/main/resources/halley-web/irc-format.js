// IRC text as DOM: formatting codes become styled spans, http(s) URLs become links, channel names
// become join buttons. Everything from the network goes in as text nodes; nothing is parsed as HTML.

const B = '\x02', C = '\x03', H = '\x04', O = '\x0f', M = '\x11', R = '\x16', I = '\x1d', S = '\x1e', U = '\x1f';
const CODES = /[\x02\x03\x04\x0f\x11\x16\x1d\x1e\x1f]/;
// What remains after formatting is read is never shown, but a line break (XMPP messages may
// have them; IRC lines cannot) and a tab.
const OTHER_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

// mIRC colours 16-98 (0-15 are CSS classes so the theme can keep them readable).
const EXTENDED = ('470000 472100 474700 324700 004700 00472c 004747 002747 000047 2e0047 470047 47002a ' +
  '740000 743a00 747400 517400 007400 007449 007474 004074 000074 4b0074 740074 740045 ' +
  'b50000 b56300 b5b500 7db500 00b500 00b571 00b5b5 0063b5 0000b5 7500b5 b500b5 b5006b ' +
  'ff0000 ff8c00 ffff00 b2ff00 00ff00 00ffa0 00ffff 008cff 0000ff a500ff ff00ff ff0098 ' +
  'ff5959 ffb459 ffff71 cfff60 6fff6f 65ffc9 6dffff 59b4ff 5959ff c459ff ff66ff ff59bc ' +
  'ff9c9c ffd39c ffff9c e2ff9c 9cff9c 9cffdb 9cffff 9cd3ff 9c9cff dc9cff ff9cff ff94d3 ' +
  '000000 131313 282828 363636 4d4d4d 656565 818181 9f9f9f bcbcbc e2e2e2 ffffff').split(' ');

/**
 * Splits IRC text into runs of equal style: [{text, bold, italic, underline, strike, mono, reverse,
 * fg, bg}] where fg/bg are a colour number (0-98) or a '#rrggbb' string. Pure.
 */
export function parseFormatting(text) {
  const runs = [];
  let style = {};
  let buf = '';
  const flush = () => {
    const clean = buf.replace(OTHER_CONTROLS, '');
    if (clean) runs.push({ text: clean, ...style });
    buf = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (!CODES.test(ch)) { buf += ch; continue; }
    flush();
    style = { ...style };
    switch (ch) {
      case B: style.bold = !style.bold; break;
      case I: style.italic = !style.italic; break;
      case U: style.underline = !style.underline; break;
      case S: style.strike = !style.strike; break;
      case M: style.mono = !style.mono; break;
      case R: style.reverse = !style.reverse; break;
      case O: style = {}; break;
      case C: {
        const m = /^(\d{1,2})(?:,(\d{1,2}))?/.exec(text.slice(i + 1, i + 6));
        if (!m) { delete style.fg; delete style.bg; break; }
        style.fg = colour(Number(m[1]));
        if (m[2] !== undefined) style.bg = colour(Number(m[2]));
        i += m[0].length;
        break;
      }
      case H: {
        const m = /^([0-9a-f]{6})(?:,([0-9a-f]{6}))?/i.exec(text.slice(i + 1, i + 15));
        if (!m) { delete style.fg; delete style.bg; break; }
        style.fg = `#${m[1].toLowerCase()}`;
        if (m[2] !== undefined) style.bg = `#${m[2].toLowerCase()}`;
        i += m[0].length;
        break;
      }
    }
    for (const k of Object.keys(style)) if (style[k] === false || style[k] === undefined) delete style[k];
  }
  flush();
  return runs;
}

const colour = n => (n === 99 ? undefined : n); // 99 is "default"

/** The text without formatting codes (for notifications, mentions, completion). */
export function plainText(text) {
  return parseFormatting(text).map(r => r.text).join('');
}

// A URL starts with http:// or https:// and runs to whitespace or a character no URL has raw;
// trailing punctuation and an unbalanced closing bracket are left out, as people write them.
const URL_START = /\bhttps?:\/\/[^\s<>"'`\u00a0\u2028\u2029]+/gi;
const TRAILING = /[.,;:!?'")\]}>»”’]$/;

/** Finds links (http/https only) and channel names: [{start, end, kind: 'url'|'channel', value}]. Pure. */
export function findLinks(text, channelPrefixes = '') {
  const found = [];
  for (const m of text.matchAll(URL_START)) {
    let s = m[0];
    while (TRAILING.test(s)) {
      const last = s.at(-1);
      const open = { ')': '(', ']': '[', '}': '{' }[last];
      if (open && count(s, open) >= count(s, last)) break; // balanced: part of the URL
      s = s.slice(0, -1);
    }
    const href = safeHref(s);
    if (href) found.push({ start: m.index, end: m.index + s.length, kind: 'url', value: href });
  }
  if (channelPrefixes) {
    const re = new RegExp(`(^|[\\s(])([${channelPrefixes.replace(/[\]\\^-]/g, '\\$&')}][^\\s,\\x07]{1,49})`, 'g');
    for (const m of text.matchAll(re)) {
      let name = m[2];
      while (/[.,;:!?'")\]]$/.test(name)) name = name.slice(0, -1);
      const start = m.index + m[1].length;
      if (name.length > 1 && !found.some(f => start < f.end && start + name.length > f.start)) {
        found.push({ start, end: start + name.length, kind: 'channel', value: name });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

const count = (s, ch) => s.split(ch).length - 1;

/** The normalised URL if it is http(s), else null: javascript:, data: and the like never become links. */
export function safeHref(s) {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * IRC text as a DocumentFragment. options.channelPrefixes turns channel names into buttons
 * (class chan-link, data-channel) that the page handles by delegation.
 */
export function renderIrcText(text, options = {}) {
  const frag = document.createDocumentFragment();
  for (const run of parseFormatting(text)) {
    const target = styled(run);
    let pos = 0;
    for (const link of findLinks(run.text, options.channelPrefixes)) {
      if (link.start > pos) target.append(run.text.slice(pos, link.start));
      const shown = run.text.slice(link.start, link.end);
      let el;
      if (link.kind === 'url') {
        el = document.createElement('a');
        el.href = link.value;
        el.rel = 'noopener noreferrer';
        el.target = '_blank';
        // A link shows where it goes: direction marks in its text (U+202E turning "txt.exe" into
        // "exe.txt") are shown as a visible mark, left to right, and the title is the real target.
        el.title = link.value;
        el.dir = 'ltr';
        el.textContent = shown.replace(BIDI_CONTROLS, '\ufffd');
      } else {
        el = document.createElement('button');
        el.type = 'button';
        el.className = 'chan-link';
        el.dataset.channel = link.value;
        el.textContent = shown;
      }
      target.append(el);
      pos = link.end;
    }
    if (pos < run.text.length) target.append(run.text.slice(pos));
    frag.append(target);
  }
  return frag;
}

function styled(run) {
  const classes = [];
  if (run.bold) classes.push('irc-b');
  if (run.italic) classes.push('irc-i');
  if (run.underline) classes.push('irc-u');
  if (run.strike) classes.push('irc-s');
  if (run.mono) classes.push('irc-m');
  let fg = run.fg, bg = run.bg;
  if (run.reverse) {
    if (fg === undefined && bg === undefined) classes.push('irc-rev');
    else [fg, bg] = [bg ?? 0, fg ?? 1];
  }
  if (!classes.length && fg === undefined && bg === undefined) return document.createDocumentFragment();
  const span = document.createElement('span');
  // Colours are set through the CSSOM (allowed by the page's CSP), never as a style attribute.
  paint(span, 'color', 'fg', fg, classes);
  paint(span, 'backgroundColor', 'bg', bg, classes);
  if (bg !== undefined) classes.push('irc-has-bg');
  span.className = classes.join(' ');
  return span;
}

function paint(span, prop, kind, c, classes) {
  if (c === undefined) return;
  if (typeof c === 'string') span.style[prop] = c; // '#rrggbb', checked by the parser's pattern
  else if (c < 16) classes.push(`irc-${kind}${c}`);
  else if (c < 99) span.style[prop] = `#${EXTENDED[c - 16]}`;
}

/** A stable colour class for a nick (nc0-nc15), case-insensitive. */
export function nickColour(nick) {
  let h = 0x811c9dc5;
  for (const ch of nick.toLowerCase()) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `nc${h % 16}`;
}
