// The side list: networks, their channels, private conversations and XMPP contacts, with unread
// and mention counts. Rendered from state once per frame when something in it changed.
import { t } from '../i18n.js';
import { h, shownName } from '../dom.js';
import { shortName, byName, totalMentions } from '../state.js';
import { networkStatusText } from './header.js';

/** @param {{select: (c) => void, openQuery: (net, address) => void}} actions */
export function renderSidebar(app, actions) {
  const out = [];
  for (const net of app.networks.values()) {
    const convs = [...net.convs.values()];
    const channels = convs.filter(c => c.type === 'channel').sort(byName);
    const queries = convs.filter(c => c.type === 'query').sort(byName);
    const group = h('div', { class: 'network', role: 'group', 'aria-label': net.name });
    group.append(convButton(app, actions, net.server, net.name, [h('span', { class: `dot ${net.status}`, title: networkStatusText(net) })]));
    channels.forEach(c => group.append(convButton(app, actions, c, shortName(c))));
    if (queries.length) {
      group.append(h('div', { class: 'section-label' }, t('sidebar.private')));
      queries.forEach(c => group.append(convButton(app, actions, c, shortName(c), [h('span', { class: `dot ${c.presence || (net.roster.get(net.fold(c.name)) || {}).status || 'none'}` })])));
    }
    const contacts = [...net.roster.values()].filter(x => !net.find(x.address))
      .sort((a, b) => (a.status === 'offline') - (b.status === 'offline') || (a.name || a.address).localeCompare(b.name || b.address));
    if (contacts.length) {
      group.append(h('div', { class: 'section-label' }, t('sidebar.contacts')));
      contacts.forEach(x => group.append(h('button', { type: 'button', class: 'conv query contact', title: x.message || undefined, onclick: () => actions.openQuery(net, x.address) },
        h('span', { class: `dot ${x.status}` }), h('span', { class: 'name' }, x.name || x.address))));
    }
    out.push(group);
  }
  const networks = document.getElementById('networks');
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#networks .conv');
  const again = focused ? [focused.dataset.network, focused.dataset.name] : null;
  networks.replaceChildren(...out);
  if (again) {
    const match = [...networks.querySelectorAll('.conv')].find(b => b.dataset.network === again[0] && b.dataset.name === again[1]);
    if (match) match.focus();
  }
  const total = totalMentions(app);
  const badge = document.getElementById('total-unread');
  badge.hidden = total === 0;
  badge.textContent = String(total);
}

function convButton(app, actions, c, label, extra = []) {
  const classes = ['conv', c.type];
  if (c.unread) classes.push('unread');
  if (c.type === 'channel' && !c.joined) classes.push('parted');
  if (c.type === 'server' && c.network.status !== 'connected') classes.push('offline');
  const badges = [];
  if (c.mentions) badges.push(h('span', { class: 'badge mention', title: t('sidebar.mentions', { count: c.mentions }) }, String(c.mentions)));
  else if (c.unread) badges.push(h('span', { class: 'badge', title: t('sidebar.unread', { count: c.unread }) }, String(c.unread)));
  return h('button', {
    type: 'button', class: classes.join(' '), 'aria-current': String(app.current === c), title: label !== c.name ? shownName(c.name) : undefined,
    onclick: () => { c.network.autoSelect = null; actions.select(c); }, dataset: { network: c.network.name, name: c.name },
  }, extra, h('span', { class: 'name' }, shownName(label)), badges);
}
