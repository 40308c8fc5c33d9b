// The connect screen: network, nick, login and channels; its progress and errors while the
// first connection of a network is under way.
import { t } from '../i18n.js';
import { h } from '../dom.js';
import { readStorage } from '../session-store.js';

const $ = id => document.getElementById(id);

export function fillConnectForm(app, params) {
  const select = $('network');
  select.replaceChildren(...app.info.map(n => h('option', { value: n.name }, n.name)));
  const wanted = params.get('network');
  const chosen = app.info.find(n => n.name === wanted) || app.info[0];
  if (!chosen) {
    $('connect-error').textContent = t('connect.noNetworks');
    $('connect-button').disabled = true;
    return;
  }
  select.value = chosen.name;
  select.closest('form').classList.toggle('single-network', app.info.length === 1);
  fillForNetwork(app, params, false);
}

export function fillForNetwork(app, params, changed) {
  const info = app.info.find(n => n.name === $('network').value) || {};
  const xmpp = info.kind === 'xmpp';
  const remembered = readStorage(`halley.nick.${info.name}`);
  $('nick').value = (!changed && params.get('nick')) || remembered || '';
  $('nick').placeholder = info.defaultNick ? t('connect.nickPlaceholder', { example: info.defaultNick.replace(/\?/g, '1') }) : '';
  if (info.maxNickLength) $('nick').maxLength = info.maxNickLength;
  $('channels').value = (!changed && params.get('channels')) || (info.channels || []).join(', ');
  $('channels-label').textContent = t(xmpp ? 'connect.rooms' : 'connect.channels');
  $('account-label').textContent = t(xmpp ? 'connect.jid' : 'connect.account');
  $('account').placeholder = xmpp && info.domain ? `name@${info.domain}` : '';
  $('login-hint').textContent = t(xmpp ? 'connect.loginHintXmpp' : 'connect.loginHintIrc');
  $('login').hidden = xmpp && info.login === 'anonymous';
  if (xmpp && info.login === 'account') $('login').open = true;
}

/** Fills the connect screen with what this tab last used (its session has ended). */
export function prefill(app, params, stored) {
  const s = stored.networks.find(n => app.info.some(i => i.name === n.network));
  if (!s) return;
  $('network').value = s.network;
  fillForNetwork(app, params, true);
  if (s.nick) $('nick').value = s.nick;
  if (s.account && !$('login').hidden) $('account').value = s.account;
  if (s.channels.length) $('channels').value = s.channels.join(', ');
}

export function showConnect(app, adding) {
  $('connect-screen').hidden = false;
  $('chat-screen').hidden = true;
  $('connect-back').hidden = !adding || !app.chatShown;
  $('connect-button').disabled = false;
  $('connect-progress').textContent = '';
  $('connect-error').textContent = '';
  document.title = t('app.name');
  ($('nick').value ? $('connect-button') : $('nick')).focus();
}

/** What the form holds. */
export function connectForm() {
  const hidden = $('login').hidden;
  return {
    network: $('network').value,
    nick: $('nick').value.trim(),
    account: hidden ? '' : $('account').value.trim(),
    password: hidden ? '' : $('password').value,
    channels: $('channels').value.split(/[\s,]+/).filter(Boolean),
  };
}

/** While the connect screen waits for a network's first connection, its progress and errors show there. */
export const connectWaiting = net => !$('connect-screen').hidden && $('network').value === net.name;

export function connectProgress(text) { $('connect-progress').textContent = text; }

export function connectError(text) { $('connect-error').textContent = text; }

/** The first connection failed: the form can be sent again. */
export function connectFailed(text) {
  $('connect-button').disabled = false;
  $('connect-progress').textContent = '';
  if (text && !$('connect-error').textContent) $('connect-error').textContent = text;
}

export function connectStarting() {
  $('connect-button').disabled = true;
  $('connect-progress').textContent = t('connect.starting');
}
