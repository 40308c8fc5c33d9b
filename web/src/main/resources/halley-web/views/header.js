// The header (conversation name, topic, network action, member count), the composer's nick and
// placeholder, the tab title, the link state in the side list and the banner above the lines.
import { t } from '../i18n.js';
import { h, shownName } from '../dom.js';
import { renderIrcText } from '../irc-format.js';
import { shortName, online, myNick, totalMentions, allConvs } from '../state.js';

const $ = id => document.getElementById(id);

export function networkStatusText(net) {
  switch (net.status) {
    case 'connected': return t('network.statusConnected', { nick: net.nick });
    case 'connecting': return net.ahead > 0 ? t('network.queued', { count: net.ahead }) : t('network.connecting', { network: net.name });
    case 'reconnecting': return t('network.reconnectingIn', { seconds: Math.max(0, Math.ceil((net.retryAt - Date.now()) / 1000)) });
    case 'disconnected': return t('network.statusDisconnected');
    default: return '';
  }
}

export function renderHeader(app) {
  const c = app.current;
  if (!c) return;
  const net = c.network;
  $('conv-title').textContent = shownName(shortName(c));
  $('conv-title').title = shownName(c.name);
  const topic = $('topic');
  if (c.type === 'channel' && c.topic && c.topic.text) {
    topic.replaceChildren(renderIrcText(c.topic.text));
    topic.title = t('topic.expand');
  } else if (c.type === 'server') {
    topic.replaceChildren(networkStatusText(net));
    topic.removeAttribute('title');
  } else {
    topic.replaceChildren();
  }
  const action = $('network-action');
  action.hidden = c.type !== 'server';
  action.textContent = online(net) ? t('network.disconnect') : t('network.reconnect');
  $('toggle-members').hidden = c.type !== 'channel';
  $('member-count').textContent = c.type === 'channel' ? String(c.members.size) : '';
  renderComposer(app);
}

export function renderComposer(app) {
  const c = app.current;
  if (!c) return;
  $('my-nick').textContent = myNick(c.network, c) || '';
  const input = $('input');
  const placeholder = c.type === 'server' ? t('composer.server')
    : c.type === 'channel' && !c.joined ? t('composer.notJoined', { channel: c.name })
      : t('composer.placeholder', { name: shortName(c) });
  if (input.placeholder !== placeholder) input.placeholder = placeholder;
}

export function renderTitle(app) {
  const total = totalMentions(app);
  const name = app.current ? app.current.name : '';
  document.title = `${total ? `(${total}) ` : ''}${name ? `${name} · ` : ''}${t('app.name')}`;
}

export function linkText(app, reason) {
  const l = app.link;
  switch (l.name) {
    case 'live': return t('link.live', { transport: t(`transport.${l.transport}`) === `transport.${l.transport}` ? l.transport : t(`transport.${l.transport}`) });
    case 'connecting': return t('link.connecting');
    case 'reconnecting': return l.retryAt ? t('link.reconnectingIn', { seconds: Math.max(0, Math.ceil((l.retryAt - Date.now()) / 1000)) }) : t('link.reconnecting');
    case 'closed': return reason === 'replaced' ? t('link.replaced') : reason ? t('link.closedReason', { reason }) : t('link.closed');
    default: return t('link.idle');
  }
}

export function renderLink(app) {
  const el = $('link-state');
  el.replaceChildren(h('span', { class: `dot ${app.link.name === 'live' ? 'connected' : app.link.name === 'closed' ? 'disconnected' : 'reconnecting'}` }), linkText(app, app.link.reason));
  el.dataset.state = app.link.name;
  if (!$('connect-screen').hidden && app.link.name !== 'live' && app.link.name !== 'idle' && $('connect-button').disabled) {
    $('connect-progress').textContent = linkText(app, app.link.reason);
  }
}

/** @param {{restart: () => void, reconnect: (net) => void, waiting: (c) => number}} actions */
export function renderBanner(app, actions) {
  const banner = $('banner');
  const l = app.link;
  const net = app.current && app.current.network;
  const parts = [];
  if (l.name === 'reconnecting' || l.name === 'connecting') {
    parts.push(linkText(app));
    const waiting = [...allConvs(app)].reduce((n, c) => n + c.pending.length, 0);
    parts.push(waiting ? t('link.queued', { count: waiting }) : t('link.willQueue'));
  } else if (l.name === 'closed') {
    parts.push(linkText(app, l.reason));
  } else if (net && (net.status === 'reconnecting' || net.status === 'disconnected') && app.current.type !== 'server') {
    parts.push(`${net.name}: ${networkStatusText(net)}`);
  }
  banner.hidden = parts.length === 0;
  if (parts.length) {
    banner.replaceChildren(parts.join(' · '));
    if (l.name === 'closed') banner.append(' ', h('button', { type: 'button', class: 'secondary small', onclick: actions.restart }, t('link.restart')));
    else if (net && net.status === 'disconnected' && l.name === 'live') banner.append(' ', h('button', { type: 'button', class: 'secondary small', onclick: () => actions.reconnect(net) }, t('network.reconnect')));
  }
  const c = app.current;
  const left = c ? actions.waiting(c) : 0;
  $('paste-progress').hidden = left < 2 || l.name !== 'live';
  $('paste-progress-text').textContent = t('paste.progress', { count: left });
}
