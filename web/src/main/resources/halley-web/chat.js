// The chat page: wires state (state.js), the server's events (events/), the views (views/), what
// the person sends (outbox.js, input.js) and the push session (connection.js). Events only change
// state; the views render what changed once per animation frame (render-loop.js). Network text
// reaches the page only as text nodes (h(), textContent, irc-format.js): never as HTML.
import { t, chooseLanguage, loadLanguage, applyTo } from './i18n.js';
import { createApp, markRead, info, convsInOrder } from './state.js';
import { Composer } from './composer.js';
import { Alerts } from './notify.js';
import { Outbox } from './outbox.js';
import { RenderLoop } from './render-loop.js';
import { MessagesView } from './views/messages.js';
import { renderSidebar } from './views/sidebar.js';
import { renderMembers } from './views/members.js';
import { renderHeader, renderTitle, renderLink, renderBanner } from './views/header.js';
import { openNickMenu, closeMenu } from './views/nick-menu.js';
import * as connect from './views/connect.js';
import { ensureClient, send, save, addNetwork, connectNetwork, reconnect, resumeSession, restartAll, endSessionIfIdle } from './connection.js';
import { submitInput, confirmPaste, completions, joinChannel } from './input.js';
import { readSession, forgetSession, writeStorage } from './session-store.js';
import { problemText } from './events/problem.js';

const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);
const number = (name, fallback) => (Number(params.get(name)) > 0 ? Number(params.get(name)) : fallback);
const MEMBERS_EVERY_MS = 250;         // the member list is redrawn at most this often (a netsplit)
const LINES_EVERY_MS = 50;            // new lines are rendered at most this often (a flood: more per render)

const app = createApp({ touch, scrollback: number('scrollback', 0) });
const alerts = new Alerts();
const page = { app, params, client: null, select, showChat };
page.outbox = new Outbox(app, (net, op) => send(page, net, op), () => (page.client ? page.client.pending() : []));
page.ui = {
  select: c => { if (app.chatShown) select(c); },
  showNetwork: net => { showChat(); select(net.server); },
  alert: (c, title, body) => alerts.notify(title, body, `${c.network.name}/${c.name}`, () => { showChat(); select(c); }),
  connectWaiting: connect.connectWaiting,
  connectProgress: connect.connectProgress,
  connectError: connect.connectError,
  connectFailed: connect.connectFailed,
  pump: () => page.outbox.pump(),
  saveSession: () => save(page),
  reconnect: net => reconnect(page, net),
  joinChannel: (net, channel, show) => joinChannel(page, net, channel, show),
  endSessionIfIdle: () => endSessionIfIdle(page),
  problemWithoutNetwork,
};
page.messages = new MessagesView(app, {
  rendered: number('lines', 300), touch: part => loop.touch(part), focusInput: () => $('input').focus(),
  itemView: () => ({ channelPrefixes: app.current && app.current.network.kind === 'irc' ? '#&' : '', toggle: item => page.messages.toggled(item) }),
});
let membersAt = 0, linesAt = 0;
const timers = {};
/** Renders a part again after ms (once, however often it is asked). */
const later = (part, ms) => { if (!timers[part]) timers[part] = setTimeout(() => { timers[part] = 0; loop.touch(part); }, ms); };
const loop = new RenderLoop({
  header: () => renderHeader(app),
  messages: () => {
    // A lone line renders in the next frame; in a flood, renders come at most every
    // LINES_EVERY_MS, each with more lines, so events and input get the time between them.
    const wait = linesAt + LINES_EVERY_MS - performance.now();
    if (wait > 0) { later('messages', wait); return false; }
    linesAt = performance.now();
    return page.messages.render();
  },
  pending: () => page.messages.renderPending(app.current),
  members: () => {
    const wait = membersAt + MEMBERS_EVERY_MS - performance.now();
    if (wait > 0) { later('members', wait); return; }
    membersAt = performance.now();
    renderMembers(app);
  },
  sidebar: () => renderSidebar(app, { select, openQuery: (net, address) => select(net.conv(address, 'query')) }),
  title: () => renderTitle(app),
  link: () => renderLink(app),
  banner: () => renderBanner(app, { restart: () => restartAll(page), reconnect: net => reconnect(page, net), waiting: c => page.outbox.waiting(c) }),
});
let composer;

/** What changed in state, as parts of the page to render in the next frame. */
function touch(part, x) {
  const c = app.current;
  switch (part) {
    case 'messages': if (x === c) loop.touch('messages'); break;
    case 'pending': if (x === c) { loop.touch('pending'); loop.touch('banner'); } break;
    case 'members': if (x === c) { loop.touch('members'); loop.touch('header'); } break;
    case 'header': if (x === c) loop.touch('header'); break;
    case 'network': loop.touch('sidebar'); if (c && c.network === x) { loop.touch('header'); loop.touch('banner'); } break;
    case 'link': loop.touch('link'); loop.touch('banner'); break;
    default: loop.touch(part);
  }
}

// For tests and the console: the page's session, and what a conversation holds (its whole state,
// not only the lines rendered now).
window.halleyPage = {
  lines(network, name) {
    const net = app.networks.get(network);
    const c = net && (name === network ? net.server : net.find(name));
    return c ? { dropped: c.dropped, items: c.items.map(i => (i.t === 'msg' ? { from: i.from, text: i.text, kind: i.kind } : { t: i.t })) } : null;
  },
  rendered: () => page.messages.entries.length,
};

init().catch(e => {
  document.body.classList.remove('loading');
  $('connect-screen').hidden = false;
  $('connect-error').textContent = `${e.message}`;
});

async function init() {
  await loadLanguage(chooseLanguage());
  applyTo(document);
  composer = new Composer($('input'), {
    submit: text => submitInput(page, text), paste: lines => confirmPaste(page, lines), candidates: (p, atStart) => completions(page, p, atStart),
  });
  wireStatic();
  const res = await fetch('api/networks');
  app.info = (await res.json()).networks || [];
  connect.fillConnectForm(app, params);
  setInterval(tick, 1000);
  const stored = readSession();
  if (stored && await resumeSession(page, stored)) {
    document.body.classList.remove('loading');
    return;
  }
  document.body.classList.remove('loading');
  connect.showConnect(app, false);
  if (stored) {
    forgetSession();
    connect.prefill(app, params, stored);
    $('connect-error').textContent = t('connect.expired');
    return;
  }
  const auto = params.get('autoconnect');
  if (auto === '1' || auto === 'true') $('connect-form').requestSubmit();
}

function wireStatic() {
  $('connect-form').addEventListener('submit', e => { e.preventDefault(); submitConnect(); });
  $('network').addEventListener('change', () => connect.fillForNetwork(app, params, true));
  $('connect-back').addEventListener('click', () => showChat());
  $('composer').addEventListener('submit', e => { e.preventDefault(); composer.submit(); });
  $('open-sidebar').addEventListener('click', () => openPane('sidebar-open'));
  $('close-sidebar').addEventListener('click', closePanes);
  $('close-members').addEventListener('click', closePanes);
  $('scrim').addEventListener('click', closePanes);
  $('toggle-members').addEventListener('click', toggleMembers);
  $('topic').addEventListener('click', () => {
    const b = $('topic');
    b.setAttribute('aria-expanded', String(b.getAttribute('aria-expanded') !== 'true'));
  });
  $('add-network').addEventListener('click', () => connect.showConnect(app, true));
  $('notify-toggle').addEventListener('click', async () => { await alerts.toggle(); renderNotifyButton(); });
  $('network-action').addEventListener('click', () => {
    const net = app.current && app.current.network;
    if (!net) return;
    if (['connected', 'connecting', 'reconnecting'].includes(net.status)) { net.wanted = false; send(page, net, { op: 'quit', reason: '' }); }
    else reconnect(page, net);
  });
  $('paste-stop').addEventListener('click', () => app.current && page.outbox.stop(app.current));
  // Clicks on nicks, channel names and inline actions anywhere in the chat, by delegation.
  $('chat-screen').addEventListener('click', onChatClick);
  document.addEventListener('keydown', onGlobalKey);
  const seen = () => { app.visible = !document.hidden; if (app.visible && app.current) markRead(app, app.current); };
  document.addEventListener('visibilitychange', seen);
  window.addEventListener('focus', seen);
  // Leaving the page does not end the session: a reload continues it (see resumeSession), and a
  // closed tab's session ends in Halley after limits.linger. /quit ends it at once.
  window.addEventListener('pagehide', () => save(page));
  app.visible = !document.hidden;
  renderNotifyButton();
}

async function submitConnect() {
  const form = connect.connectForm();
  const info = app.info.find(n => n.name === form.network) || {};
  if (info.kind === 'xmpp' && info.login === 'account' && (!form.account || !form.password)) {
    connect.connectError(t('connect.needAccount'));
    ($('account').value ? $('password') : $('account')).focus();
    return;
  }
  connect.connectError('');
  const existing = app.networks.get(form.network);
  if (existing && ['connected', 'connecting', 'reconnecting'].includes(existing.status)) {
    connect.connectError(t('connect.already', { network: form.network }));
    return;
  }
  if (form.nick) writeStorage(`halley.nick.${form.network}`, form.nick);
  connect.connectStarting();
  try {
    await ensureClient(page);
  } catch (e) {
    connect.connectFailed('');
    connect.connectError(t('connect.refused', { reason: e.message }));
    return;
  }
  const net = existing || addNetwork(page, form.network, info);
  net.login = { nick: form.nick, account: form.account, password: form.password, channels: form.channels };
  connectNetwork(page, net, form.channels);
  save(page);
  if (app.chatShown) { showChat(); select(net.server); }
}

function showChat() {
  app.chatShown = true;
  $('connect-screen').hidden = true;
  $('chat-screen').hidden = false;
  if (!app.current) {
    const first = app.networks.values().next().value;
    if (first) select(first.server);
  } else {
    select(app.current);
  }
}

/** Puts a conversation on screen; its lines render in the next frame. */
function select(c) {
  if (!c) return;
  const old = app.current;
  if (old && old !== c) old.firstUnread = 0;
  app.current = c;
  save(page);
  markRead(app, c);
  $('chat-screen').classList.toggle('no-members', c.type !== 'channel' || !!c.hideMembers);
  $('topic').setAttribute('aria-expanded', 'false');
  for (const part of ['header', 'messages', 'pending', 'members', 'sidebar', 'title', 'banner']) loop.touch(part);
  membersAt = linesAt = 0;
  closePanes();
}

function problemWithoutNetwork(e) {
  if (!$('connect-screen').hidden) {
    connect.connectFailed('');
    connect.connectError(problemText(e));
    const net = app.networks.get($('network').value);
    if (net && !net.everConnected) net.status = 'idle';
  }
  if (app.current) info(app, app.current, problemText(e), 'problem', new Date(e.time || Date.now()));
}

function onChatClick(e) {
  const chan = e.target.closest('.chan-link');
  const c = app.current;
  if (chan && c) { joinChannel(page, c.network, chan.dataset.channel, true); return; }
  const nick = e.target.closest('button.nick, button.member');
  if (nick && c) {
    openNickMenu(c, nick.dataset.nick, nick, { openQuery: n => select(c.network.conv(n, 'query')), send: op => send(page, c.network, op) });
  }
}

function onGlobalKey(e) {
  if ($('chat-screen').hidden) return;
  if (e.key === 'Escape') { closeMenu(); closePanes(); return; }
  if (!e.altKey || e.ctrlKey || e.metaKey) return;
  const convs = convsInOrder(app);
  const i = convs.indexOf(app.current);
  let next = null;
  if (e.key === 'ArrowDown') next = convs[(i + 1) % convs.length];
  else if (e.key === 'ArrowUp') next = convs[(i - 1 + convs.length) % convs.length];
  else if (/^[1-9]$/.test(e.key)) next = convs[Number(e.key) - 1];
  else if (e.key === 'a' || e.key === 'A') next = convs.find(c => c.mentions) || convs.find(c => c.unread);
  if (next) { e.preventDefault(); select(next); $('input').focus(); }
}

function toggleMembers() {
  if (window.matchMedia('(max-width: 1000px)').matches) { openPane('members-open'); return; }
  if (!app.current) return;
  app.current.hideMembers = !app.current.hideMembers;
  $('chat-screen').classList.toggle('no-members', app.current.hideMembers);
  $('toggle-members').setAttribute('aria-expanded', String(!app.current.hideMembers));
}

function openPane(cls) {
  $('chat-screen').classList.add(cls);
  $('scrim').hidden = false;
  const first = (cls === 'sidebar-open' ? $('sidebar') : $('members-pane')).querySelector('button');
  if (first) first.focus();
}

function closePanes() {
  const screen = $('chat-screen');
  const was = screen.classList.contains('sidebar-open') || screen.classList.contains('members-open');
  screen.classList.remove('sidebar-open', 'members-open');
  $('scrim').hidden = true;
  if (was) $('input').focus();
}

function renderNotifyButton() {
  const b = $('notify-toggle');
  const s = alerts.state;
  b.hidden = s === 'unsupported';
  b.disabled = s === 'denied';
  b.textContent = t(s === 'on' ? 'notify.disable' : s === 'denied' ? 'notify.denied' : 'notify.enable');
}

/** Once a second: countdowns while reconnecting, and lines the network never echoed. */
function tick() {
  const counting = app.link.name === 'reconnecting' || [...app.networks.values()].some(n => n.status === 'reconnecting');
  if (counting) { loop.touch('link'); loop.touch('banner'); loop.touch('sidebar'); if (app.current && app.current.type === 'server') loop.touch('header'); }
  page.outbox.settle();
}
