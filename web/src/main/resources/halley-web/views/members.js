// The member list of the open channel, by rank then name. Ranks are what the bridge reports
// (`members` and `member` events: prefix, role, affiliation); the page never reads mode strings.
import { t } from '../i18n.js';
import { h, shownName } from '../dom.js';
import { nickColour } from '../irc-format.js';

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });
export const RANK = ['~', '&', '@', '%', '+'];
export const PREFIX_ROLE = { '~': 'owner', '&': 'admin', '@': 'op', '%': 'halfop', '+': 'voice' };

export function rank(m) {
  const i = RANK.indexOf(markOf(m));
  return i < 0 ? RANK.length : i;
}

export function markOf(m) {
  if (m.modes) return m.modes[0];
  if (m.affiliation === 'owner') return '~';
  if (m.affiliation === 'admin') return '&';
  if (m.role === 'moderator') return '@';
  return '';
}

function roleName(m) {
  const names = [m.affiliation && m.affiliation !== 'none' ? m.affiliation : '', m.role || PREFIX_ROLE[markOf(m)] || ''].filter(Boolean);
  return [...new Set(names)].map(n => t(`role.${n}`)).join(', ');
}

export function renderMembers(app) {
  const c = app.current;
  const list = document.getElementById('members');
  if (!c || c.type !== 'channel') { list.replaceChildren(); return; }
  const sorted = [...c.members.values()].sort((a, b) => rank(a) - rank(b) || collator.compare(a.nick, b.nick));
  document.getElementById('members-title').textContent = t('members.count', { count: sorted.length });
  document.getElementById('member-count').textContent = String(c.members.size);
  list.replaceChildren(...sorted.map(m => {
    const mark = markOf(m);
    const role = roleName(m);
    return h('li', { class: m.away ? 'away' : '' }, h('button', { type: 'button', class: 'member', dataset: { nick: m.nick }, title: role || undefined },
      h('span', { class: `mark ${PREFIX_ROLE[mark] || m.role || ''}`, 'aria-label': role || undefined }, mark),
      h('span', { class: `nick ${nickColour(m.nick)}` }, shownName(m.nick))));
  }));
}
