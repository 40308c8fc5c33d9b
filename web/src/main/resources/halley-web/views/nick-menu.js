// The menu a click on a nick opens: message, whois, and for channel operators op/voice, kick, ban.
import { t } from '../i18n.js';
import { h, shownName } from '../dom.js';
import { nickColour } from '../irc-format.js';
import { myNick } from '../state.js';
import { rank, RANK } from './members.js';

const $ = id => document.getElementById(id);

/** @param {{openQuery: (nick) => void, send: (op) => void}} actions */
export function openNickMenu(c, nick, anchor, actions) {
  const net = c.network;
  const menu = $('nick-menu');
  const me = c.members.get(net.fold(myNick(net, c) || ''));
  const isOp = me && rank(me) <= RANK.indexOf('%');
  const target = c.members.get(net.fold(nick));
  const item = (key, fn) => h('button', { type: 'button', role: 'menuitem', onclick: () => { closeMenu(); fn(); } }, t(key));
  const items = [item('menu.message', () => actions.openQuery(nick)), item('menu.whois', () => actions.send({ op: 'whois', nick }))];
  if (c.type === 'channel' && isOp && !net.same(nick, myNick(net, c))) {
    const has = ch => target && target.modes.includes(ch);
    const mode = modes => () => actions.send({ op: 'mode', target: c.name, modes: `${modes} ${nick}` });
    if (net.kind === 'irc') {
      items.push(has('@') ? item('menu.deop', mode('-o')) : item('menu.op', mode('+o')));
      items.push(has('+') ? item('menu.devoice', mode('-v')) : item('menu.voice', mode('+v')));
    }
    items.push(item('menu.kick', () => actions.send({ op: 'kick', channel: c.name, nick, reason: '' })));
    items.push(item('menu.ban', () => actions.send({ op: 'ban', channel: c.name, who: nick, reason: '' })));
  }
  menu.replaceChildren(h('div', { class: `menu-title ${nickColour(nick)}` }, shownName(nick)), ...items);
  menu.hidden = false;
  const r = anchor.getBoundingClientRect();
  const w = menu.offsetWidth, ht = menu.offsetHeight;
  menu.style.left = `${Math.max(4, Math.min(r.left, innerWidth - w - 4))}px`;
  menu.style.top = `${r.bottom + ht + 4 > innerHeight ? Math.max(4, r.top - ht - 4) : r.bottom + 4}px`;
  menu.querySelector('button').focus();
  menu.onkeydown = ev => {
    const buttons = [...menu.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (ev.key === 'ArrowDown') { ev.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
    if (ev.key === 'ArrowUp') { ev.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
    if (ev.key === 'Escape' || ev.key === 'Tab') { ev.preventDefault(); closeMenu(); anchor.focus(); }
  };
  setTimeout(() => document.addEventListener('click', closeMenuOutside, { once: true }), 0);
}

function closeMenuOutside(e) {
  if (!$('nick-menu').contains(e.target)) closeMenu();
  else document.addEventListener('click', closeMenuOutside, { once: true });
}

export function closeMenu() { $('nick-menu').hidden = true; }
