// One conversation item (a message, a status line, a folded group, a notice from the page, the
// MOTD, a WHOIS answer) as a list element. Text from the network goes through renderIrcText or
// text nodes only.
import { t, tNodes, language } from './i18n.js';
import { renderIrcText } from './irc-format.js';
import { h, nickEl, timeFormat, fullFormat } from './dom.js';

export function timeEl(d) {
  return h('time', { class: 'time', datetime: d.toISOString(), title: fullFormat().format(d) }, timeFormat().format(d));
}

export function renderItem(item, view) {
  switch (item.t) {
    case 'msg': {
      const classes = ['msg', item.kind];
      if (item.self) classes.push('self');
      if (item.mention) classes.push('mention');
      if (item.history) classes.push('history');
      if (item.pending) classes.push('pending');
      if (item.failed) classes.push('failed');
      const from = item.kind === 'action' ? h('span', { class: 'from' }, '*') : h('span', { class: 'from' }, nickEl(item.from, 'button'));
      const body = item.kind === 'action' ? [nickEl(item.from, 'button'), ' ', renderIrcText(item.text, view)] : [renderIrcText(item.text, view)];
      const li = h('li', { class: classes.join(' '), dataset: { from: item.from } }, timeEl(item.time), from, h('span', { class: 'text', dir: 'auto' }, body));
      if (item.pending) li.title = t(item.cseq === null ? 'messages.waiting' : 'messages.sending');
      if (item.failed) li.title = t('messages.failed');
      return li;
    }
    case 'status':
      return h('li', { class: `msg status ${item.ev}` }, timeEl(item.time), h('span', { class: 'from' }, statusMark(item.ev)),
        h('span', { class: 'text' }, statusText(item, view)));
    case 'group': {
      const button = h('button', { type: 'button', class: 'toggle', 'aria-expanded': String(!!item.open) }, groupSummary(item.items));
      button.addEventListener('click', () => { item.open = !item.open; view.toggle(item); });
      const text = h('span', { class: 'text' }, button);
      if (item.open) text.append(h('ul', {}, item.items.map(s => h('li', {}, timeFormat().format(s.time), ' ', statusText(s, view)))));
      return h('li', { class: 'msg status group' }, timeEl(item.time), h('span', { class: 'from' }, '↔'), text);
    }
    case 'info': {
      const text = h('span', { class: 'text' }, infoText(item, view));
      if (item.action) {
        text.append(h('button', { type: 'button', class: 'secondary small inline-action', onclick: item.action.run }, item.action.label));
      }
      return h('li', { class: `msg info ${item.level}` }, timeEl(item.time), h('span', { class: 'from' }, item.level === 'problem' ? '!' : '•'), text);
    }
    case 'motd':
      return h('li', { class: 'msg motd' }, timeEl(item.time), h('span', { class: 'from' }, item.from),
        h('span', { class: 'text' }, renderIrcText(item.text)));
    case 'whois':
      return h('li', { class: 'msg whois' }, timeEl(item.time), h('span', { class: 'from' }, '?'), h('span', { class: 'text' }, whoisBlock(item.data)));
    default:
      return h('li', { class: 'msg' });
  }
}

const STATUS_MARK = { join: '→', part: '←', quit: '←', kick: '✕', ban: '✕', nick: '↔', mode: '⚙', topic: '✎' };
const statusMark = ev => STATUS_MARK[ev] || '•';

/** A line from the page: a string, a topic, or {key, args} whose {nick: …} args become nicks and {key, args} args nested lines. */
export function infoText(item, view) {
  if (item.topic) return topicLine(item.topic, view);
  if (typeof item.text === 'string') return item.text;
  const args = {};
  for (const [k, v] of Object.entries(item.text.args || {})) args[k] = v && typeof v === 'object' ? (v.key ? infoText({ text: v }, view) : nickEl(v.nick)) : v;
  return tNodes(item.text.key, args);
}

export function topicLine(topic, view = {}) {
  const frag = tNodes('event.topicIs', { topic: renderIrcText(topic.text, view) });
  if (topic.setBy) {
    frag.append(' ', tNodes(topic.setAt ? 'event.topicSetByAt' : 'event.topicSetBy',
      { nick: nickEl(topic.setBy), time: topic.setAt ? fullFormat().format(topic.setAt) : '' }));
  }
  return frag;
}

/** A reason the network gave, as " (reason)": its text isolated, so it cannot reorder the line. */
const reasonOf = s => (s.reason ? tNodes('event.reason', { reason: renderIrcText(s.reason) }) : '');

export function statusText(s, view) {
  const reason = reasonOf(s);
  const nick = nickEl(s.nick || '');
  switch (s.ev) {
    case 'join': return s.self ? tNodes('event.selfJoined', { channel: s.channel }) : tNodes('event.joined', { nick });
    case 'part': return s.self ? tNodes('event.selfParted', { reason }) : tNodes('event.parted', { nick, reason });
    case 'quit': return tNodes('event.quit', { nick, reason });
    case 'kick': return s.self ? tNodes('event.selfKicked', { by: nickEl(s.by || ''), reason }) : tNodes('event.kicked', { nick, by: nickEl(s.by || ''), reason });
    case 'ban': return s.self ? tNodes('event.selfBanned', { by: nickEl(s.by || ''), reason }) : tNodes('event.banned', { nick, by: nickEl(s.by || ''), reason });
    case 'nick': return s.self ? tNodes('event.selfNick', { nick: nickEl(s.newNick) }) : tNodes('event.nick', { nick, newNick: nickEl(s.newNick) });
    case 'mode': return tNodes('event.mode', { nick, modes: s.text || '' });
    case 'topic': return tNodes('event.topicChanged', { nick, topic: renderIrcText(s.text || '', view) });
    default: return '';
  }
}

function groupSummary(items) {
  const joined = [], left = [];
  let nicks = 0;
  for (const s of items) {
    if (s.ev === 'join') joined.push(s.nick);
    else if (s.ev === 'part' || s.ev === 'quit') left.push(s.nick);
    else if (s.ev === 'nick') nicks++;
  }
  const names = list => {
    const unique = [...new Set(list)];
    const shown = unique.slice(0, 3);
    if (unique.length > 3) shown.push(t('group.others', { count: unique.length - 3 }));
    return new Intl.ListFormat(language(), { type: 'conjunction' }).format(shown);
  };
  const parts = [];
  if (joined.length) parts.push(t('group.joined', { names: names(joined), count: new Set(joined).size }));
  if (left.length) parts.push(t('group.left', { names: names(left), count: new Set(left).size }));
  if (nicks) parts.push(t('group.nicks', { count: nicks }));
  return parts.join(t('group.separator'));
}

function whoisBlock(w) {
  const rows = [];
  const row = (key, value) => { if (value !== undefined && value !== null && value !== '' && value !== -1) rows.push(h('dt', {}, t(key)), h('dd', {}, value)); };
  row('whois.user', w.user && w.host ? `${w.user}@${w.host}` : w.user);
  row('whois.realname', w.realname ? renderIrcText(w.realname) : '');
  row('whois.server', w.server);
  row('whois.channels', (w.channels || []).join(' '));
  row('whois.account', w.account);
  row('whois.idle', w.idle >= 0 ? duration(w.idle) : '');
  row('whois.away', w.away);
  if (w.operator) row('whois.operator', t('whois.yes'));
  if (w.secure) row('whois.secure', t('whois.yes'));
  return h('div', {}, tNodes('whois.title', { nick: nickEl(w.nick || '', 'button') }), h('dl', {}, rows));
}

function duration(seconds) {
  const f = new Intl.NumberFormat(language(), { style: 'unit', unitDisplay: 'short', unit: 'minute' });
  if (seconds < 60) return new Intl.NumberFormat(language(), { style: 'unit', unitDisplay: 'short', unit: 'second' }).format(seconds);
  if (seconds < 3600 * 2) return f.format(Math.round(seconds / 60));
  return new Intl.NumberFormat(language(), { style: 'unit', unitDisplay: 'short', unit: 'hour' }).format(Math.round(seconds / 3600));
}
