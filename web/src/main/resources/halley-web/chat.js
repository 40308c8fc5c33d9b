// The chat page: the connect screen, then networks, conversations, messages and members, driven by
// the chat events of docs/protocol.md. Network text reaches the page only as text nodes (h(),
// textContent, irc-format.js): never as HTML.
import { HalleyClient } from './halley.js';
import { t, tNodes, chooseLanguage, loadLanguage, applyTo } from './i18n.js';
import { renderIrcText, plainText, nickColour } from './irc-format.js';
import { h, shownName, nickEl, fullFormat, dayKey, dayLabel } from './dom.js';
import { renderItem } from './items.js';
import { parseLine, splitLines, COMMANDS } from './commands.js';
import { Composer } from './composer.js';
import { Alerts } from './notify.js';

const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);

const MAX_ITEMS = 2000;              // per conversation; older ones are dropped
const MAX_PASTE = 100;               // lines; a bigger paste belongs on a paste site
const CONFIRM_LINES = 5;             // typed (Shift+Enter) text with more lines asks first
const BURST = 5, RATE = 2;           // lines sent at once, then lines per second: never a flood
const ECHO_WAIT_MS = 8000;           // an acknowledged line the network never echoed
const CONDENSED = new Set(['join', 'part', 'quit', 'nick']);
const RANK = ['~', '&', '@', '%', '+'];
const MODE_PREFIX = { q: '~', a: '&', o: '@', h: '%', v: '+' };
const PREFIX_ROLE = { '~': 'owner', '&': 'admin', '@': 'op', '%': 'halfop', '+': 'voice' };
const ALWAYS_PARAM = 'beIkqaohv', PARAM_WHEN_SET = 'lfjL';
const SESSION_KEY = 'halley.session'; // sessionStorage: this tab's session, for a reload
const STORED = new Set(['connected', 'joined', 'parted', 'kicked', 'banned', 'nick']); // events that change what is stored

const app = {
  client: null,
  link: { name: 'idle', transport: null, retryAt: 0 },
  info: [],                 // /api/networks
  networks: new Map(),      // name -> Network
  current: null,            // Conv on screen
  queue: [],                // outgoing lines not yet handed to the push client, in order
  tokens: BURST,
  refilled: performance.now(),
  pumpTimer: 0,
  seq: 0,
  chatShown: false,
  view: { lastDay: '' },
};
const alerts = new Alerts();
let composer;

// ---------------------------------------------------------------- model

class Network {
  constructor(name, info = {}) {
    this.name = name;
    this.kind = info.kind || 'irc';
    this.info = info;
    this.status = 'idle';   // idle | connecting | connected | reconnecting | disconnected
    this.nick = '';
    this.login = null;      // what the person typed on the connect screen (kept for reconnects)
    this.ahead = 0;
    this.retryAt = 0;
    this.presence = 'available';
    this.convs = new Map();
    this.roster = new Map();
    this.server = new Conv(this, name, 'server');
  }

  isChannel(name) {
    if (this.kind === 'irc') return /^[#&!+]/.test(name);
    const c = this.convs.get(fold(name));
    if (c) return c.type === 'channel';
    return !!this.info.mucService && name.toLowerCase().endsWith(`@${this.info.mucService.toLowerCase()}`);
  }

  conv(name, type) {
    const key = fold(name);
    let c = this.convs.get(key);
    if (!c) {
      c = new Conv(this, name, type || (this.isChannel(name) ? 'channel' : 'query'));
      this.convs.set(key, c);
      scheduleSidebar();
    }
    return c;
  }

  find(name) {
    return this.convs.get(fold(name));
  }
}

/** How a conversation is named in the side list: an XMPP room or contact of this service by its local part. */
function shortName(c) {
  const net = c.network;
  if (net.kind !== 'xmpp' || c.type === 'server') return c.name;
  const at = c.name.indexOf('@');
  const domain = c.name.slice(at + 1).toLowerCase();
  const local = at > 0 ? c.name.slice(0, at) : c.name;
  const own = [net.info.mucService, net.info.domain].filter(Boolean).map(d => d.toLowerCase());
  return at > 0 && !c.name.includes('/') && own.includes(domain) ? local : c.name;
}

class Conv {
  constructor(network, name, type) {
    this.network = network;
    this.name = name;
    this.type = type;       // server | channel | query
    this.items = [];
    this.pending = [];
    this.unread = 0;
    this.mentions = 0;
    this.firstUnread = null;
    this.topic = null;      // {text, setBy, setAt}
    this.members = new Map(); // folded nick -> {nick, modes, role, affiliation, away}
    this.joined = false;
    this.wanted = false;    // joined once: rejoin after a reconnect
    this.atBottom = true;
    this.scrollTop = 0;
    this.recent = [];       // nicks that spoke lately, newest first (for completion)
  }
}

/** IRC's case-insensitive names (rfc1459 casemapping). */
const fold = s => s.toLowerCase().replace(/[[\]\\~]/g, c => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c]);

// ---------------------------------------------------------------- start

init().catch(e => {
  document.body.classList.remove('loading');
  $('connect-screen').hidden = false;
  $('connect-error').textContent = `${e.message}`;
});

async function init() {
  await loadLanguage(chooseLanguage());
  applyTo(document);
  composer = new Composer($('input'), { submit: submitInput, paste: confirmPaste, candidates: completions });
  wireStatic();
  const res = await fetch('api/networks');
  app.info = (await res.json()).networks || [];
  fillConnectForm();
  setInterval(tick, 1000);
  const stored = readSession();
  if (stored && await resumeSession(stored)) {
    document.body.classList.remove('loading');
    return;
  }
  document.body.classList.remove('loading');
  showConnect(false);
  if (stored) {
    prefill(stored);
    $('connect-error').textContent = t('connect.expired');
    return;
  }
  const auto = params.get('autoconnect');
  if (auto === '1' || auto === 'true') $('connect-form').requestSubmit();
}

/**
 * A reload (or a return to this tab's page): continue the session this tab had, whose networks
 * and channels live on in Halley for limits.linger. The push client replays what the server
 * still holds from the start; when it holds less, the networks say again where they stand.
 * False when the session has ended meanwhile.
 */
async function resumeSession(stored) {
  for (const s of stored.networks) {
    const info = app.info.find(n => n.name === s.network);
    if (!info) continue;
    const net = addNetwork(s.network, info);
    net.login = { nick: s.nick, account: s.account, password: '', channels: s.channels };
    net.wanted = true;
    net.status = 'connecting';
    for (const name of s.channels) if (net.isChannel(name)) net.conv(name, 'channel').wanted = true;
  }
  if (stored.current) {
    const net = app.networks.get(stored.current.network);
    const c = net && (stored.current.name === net.name ? net.server : net.conv(stored.current.name));
    if (c && c.type !== 'server') c.selectWhenJoined = true;
  }
  try {
    if (!(await ensureClient({ resume: stored.session }))) { app.networks.clear(); return false; }
  } catch (e) {
    app.networks.clear();
    return false;
  }
  showChat();
  return true;
}

/** Fills the connect screen with what this tab last used (its session has ended). */
function prefill(stored) {
  forgetSession();
  const s = stored.networks.find(n => app.info.some(i => i.name === n.network));
  if (!s) return;
  $('network').value = s.network;
  fillForNetwork(true);
  if (s.nick) $('nick').value = s.nick;
  if (s.account && !$('login').hidden) $('account').value = s.account;
  if (s.channels.length) $('channels').value = s.channels.join(', ');
}

function wireStatic() {
  $('connect-form').addEventListener('submit', e => { e.preventDefault(); submitConnect(); });
  $('network').addEventListener('change', () => fillForNetwork(true));
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
  $('add-network').addEventListener('click', () => showConnect(true));
  $('notify-toggle').addEventListener('click', async () => { await alerts.toggle(); renderNotifyButton(); });
  $('network-action').addEventListener('click', () => {
    const net = app.current && app.current.network;
    if (!net) return;
    if (online(net)) { net.wanted = false; send(net, { op: 'quit', reason: '' }); }
    else reconnect(net);
  });
  $('jump').addEventListener('click', () => { scrollToBottom(); $('input').focus(); });
  $('paste-stop').addEventListener('click', stopPaste);
  const scroller = $('scroller');
  // Only the person leaves the bottom: a scroll right after their wheel, touch, key or pointer.
  // Scrolls that lines arriving, a resize or a phone's keyboard cause keep the list stuck.
  let touched = 0;
  const touch = () => { touched = performance.now(); };
  scroller.addEventListener('wheel', touch, { passive: true });
  scroller.addEventListener('touchmove', touch, { passive: true });
  scroller.addEventListener('keydown', e => { if (/^(Page|Arrow|Home|End| )/.test(e.key)) touch(); });
  scroller.addEventListener('pointerdown', e => { if (e.target === scroller) touch(); }); // its scroll bar
  scroller.addEventListener('scroll', () => {
    const c = app.current;
    if (!c) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    if (fromBottom < 30) c.atBottom = true;
    else if (performance.now() - touched < 1000) c.atBottom = false;
    else if (c.atBottom) scrollToBottom();
    c.scrollTop = scroller.scrollTop;
    if (c.atBottom) $('jump').hidden = true;
  }, { passive: true });
  new ResizeObserver(() => { if (app.current && app.current.atBottom) scrollToBottom(); }).observe(scroller);
  // Clicks on nicks, channel names and inline actions anywhere in the chat, by delegation.
  $('chat-screen').addEventListener('click', onChatClick);
  document.addEventListener('keydown', onGlobalKey);
  document.addEventListener('visibilitychange', () => { if (!document.hidden && app.current) markRead(app.current); });
  window.addEventListener('focus', () => app.current && markRead(app.current));
  // Leaving the page does not end the session: a reload continues it (see resumeSession), and a
  // closed tab's session ends in Halley after limits.linger. /quit ends it at once.
  window.addEventListener('pagehide', () => saveSession());
  renderNotifyButton();
}

// ---------------------------------------------------------------- connect screen

function fillConnectForm() {
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
  fillForNetwork(false);
}

function fillForNetwork(changed) {
  const info = app.info.find(n => n.name === $('network').value) || {};
  const xmpp = info.kind === 'xmpp';
  const remembered = readStorage(`halley.nick.${info.name}`);
  $('nick').value = (!changed && params.get('nick')) || remembered || '';
  $('nick').placeholder = info.defaultNick ? t('connect.nickPlaceholder', { example: info.defaultNick.replace(/\?/g, '1') }) : '';
  if (info.maxNickLength) $('nick').maxLength = info.maxNickLength;
  const channels = (!changed && params.get('channels')) || (info.channels || []).join(', ');
  $('channels').value = channels;
  $('channels-label').textContent = t(xmpp ? 'connect.rooms' : 'connect.channels');
  $('account-label').textContent = t(xmpp ? 'connect.jid' : 'connect.account');
  $('account').placeholder = xmpp && info.domain ? `name@${info.domain}` : '';
  $('login-hint').textContent = t(xmpp ? 'connect.loginHintXmpp' : 'connect.loginHintIrc');
  const needsAccount = xmpp && info.login === 'account';
  $('login').hidden = xmpp && info.login === 'anonymous';
  if (needsAccount) $('login').open = true;
}

function showConnect(adding) {
  $('connect-screen').hidden = false;
  $('chat-screen').hidden = true;
  $('connect-back').hidden = !adding || !app.chatShown;
  $('connect-button').disabled = false;
  $('connect-progress').textContent = '';
  $('connect-error').textContent = '';
  document.title = t('app.name');
  ($('nick').value ? $('connect-button') : $('nick')).focus();
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

async function submitConnect() {
  const name = $('network').value;
  const info = app.info.find(n => n.name === name) || {};
  const nick = $('nick').value.trim();
  const account = $('login').hidden ? '' : $('account').value.trim();
  const password = $('login').hidden ? '' : $('password').value;
  const channels = $('channels').value.split(/[\s,]+/).filter(Boolean);
  const error = $('connect-error');
  error.textContent = '';
  if (info.kind === 'xmpp' && info.login === 'account' && (!account || !password)) {
    error.textContent = t('connect.needAccount');
    ($('account').value ? $('password') : $('account')).focus();
    return;
  }
  const existing = app.networks.get(name);
  if (existing && online(existing)) {
    error.textContent = t('connect.already', { network: name });
    return;
  }
  if (nick) writeStorage(`halley.nick.${name}`, nick);
  $('connect-button').disabled = true;
  $('connect-progress').textContent = t('connect.starting');
  try {
    await ensureClient();
  } catch (e) {
    $('connect-button').disabled = false;
    $('connect-progress').textContent = '';
    error.textContent = t('connect.refused', { reason: e.message });
    return;
  }
  const net = existing || addNetwork(name, info);
  net.login = { nick, account, password, channels };
  connectNetwork(net, channels);
  saveSession();
  if (app.chatShown) { showChat(); select(net.server); }
}

function addNetwork(name, info) {
  const net = new Network(name, info || app.info.find(n => n.name === name));
  app.networks.set(name, net);
  scheduleSidebar();
  return net;
}

function connectNetwork(net, channels) {
  net.status = 'connecting';
  net.ahead = 0;
  net.autoSelect = channels.length ? fold(channels[0]) : null; // shown first once joined, unless the person chose another
  net.wanted = true; // until the person quits: a new session connects it again
  const l = net.login || { nick: net.nick, account: '', password: '' };
  // The IRC nick as it is now; on XMPP the network knows the person by address, the rooms by nick.
  const nick = net.kind === 'irc' && net.nick ? net.nick : l.nick;
  send(net, { op: 'connect', nick, account: l.account, password: l.password, channels });
  refreshNetwork(net);
}

async function reconnect(net) {
  if (!app.client || app.client.state.name === 'closed') {
    try { await ensureClient(); } catch (e) { info(net.server, t('connect.refused', { reason: e.message }), 'problem'); return; }
  }
  const channels = [...net.convs.values()].filter(c => c.type === 'channel' && c.wanted).map(c => c.name);
  info(net.server, t('network.reconnecting', { network: net.name }));
  connectNetwork(net, channels.length ? channels : (net.login ? net.login.channels : []));
}

/** While the connect screen waits for a first connection, its progress and errors show there. */
function connectScreenWaiting(net) {
  return !$('connect-screen').hidden && $('network').value === net.name;
}

// ---------------------------------------------------------------- push client

async function ensureClient(options = {}) {
  if (app.client && app.client.state.name !== 'closed') return true;
  const transport = params.get('transport');
  // Only the page's current client may speak: one left over from a restart is stopped if it
  // ever comes alive, and what it says is ignored.
  const mine = fn => (...args) => { if (client === app.client) fn(...args); };
  const client = new HalleyClient({
    transports: transport ? transport.split(',') : undefined,
    resume: options.resume,
    onEvent: mine((e, seq) => {
      app.replaying = seq <= client.replayUpTo; // sent before this page existed: no alerts, not unread
      try { onEvent(e); } catch (err) { console.error('halley: event', e && e.type, err); }
    }),
    onState: s => { if (client === app.client) onLinkState(s); else if (s.name === 'live') client.stop(); },
    onReset: mine(onReset),
    onClosed: mine(onClosed),
  });
  app.client = client;
  window.halleyClient = client; // the page's own session, for tests and the console
  const started = await client.start();
  if (started) saveSession();
  return started;
}

function onLinkState(s) {
  const wasLive = app.link.name === 'live';
  app.link = { ...s };
  renderLink();
  if (s.name === 'live' && !wasLive) pump();
}

function onReset(detail) {
  if (detail && detail.resumed) return; // a reloaded page: it had nothing to lose; its networks say where they stand
  if (detail && detail.renewed) saveSession();
  for (const net of app.networks.values()) {
    // A drain's move is planned (the node restarts): said, but not as a problem.
    if (detail && detail.moved) info(net.server, t('link.moved'));
    else info(net.server, t(detail && detail.renewed ? 'link.renewed' : 'link.lost'), 'problem');
  }
  if (detail && detail.renewed) restartNetworks();
}

function onClosed(reason) {
  if (reason === 'expired' && !app.chatShown) return; // a reload too late: the connect screen says so
  if (reason !== 'replaced') forgetSession();
  renderLink(reason);
  if (reason === 'shutdown') setTimeout(() => restartAll(), 2000 + Math.random() * 3000);
}

/**
 * A fresh session (the old one ended): connect every network again, resend what never went.
 * Starting is retried with a new client when it does not finish within 10 s, with growing pauses.
 */
async function restartAll() {
  if (app.restarting) return;
  app.restarting = true;
  try {
    for (let attempt = 0; ; attempt++) {
      const old = app.client;
      app.client = null;
      if (old && old.state.name !== 'closed') old.stop();
      const started = ensureClient().then(() => true, () => false);
      if (await Promise.race([started, sleep(10000).then(() => false)])) break;
      await sleep(Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random()));
    }
  } finally {
    app.restarting = false;
  }
  restartNetworks();
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

function restartNetworks() {
  for (const net of app.networks.values()) {
    for (const c of net.convs.values()) {
      c.joined = false;
      for (const p of c.pending) if (p.cseq !== null && !p.acked) { p.cseq = null; app.queue.push(p); }
    }
    app.queue.sort((a, b) => a.seq - b.seq);
    if (net.wanted) reconnect(net);
  }
}

/** Sends an op for a network now (the push client queues it while the link is down). */
function send(net, op) {
  if (!app.client) return null;
  return app.client.send({ network: net.name, ...op });
}

// ---------------------------------------------------------------- events

function onEvent(e) {
  if (!e || typeof e !== 'object') return;
  let net = app.networks.get(e.network);
  if (!net) {
    if (e.type === 'problem') return problemWithoutNetwork(e);
    if (!e.network) return;
    net = addNetwork(e.network);
  }
  const time = new Date(e.time || Date.now());
  switch (e.type) {
    case 'connecting':
      net.status = 'connecting';
      net.ahead = e.ahead || 0;
      if (connectScreenWaiting(net)) {
        $('connect-progress').textContent = net.ahead > 0 ? t('network.queued', { count: net.ahead }) : t('network.connecting', { network: net.name });
      }
      if (net.ahead > 0) info(net.server, t('network.queued', { count: net.ahead }), 'info', time);
      break;
    case 'connected': {
      const again = net.status === 'connected' && net.nick === e.nick; // a refresh of what the page knows
      net.status = 'connected';
      net.nick = e.nick;
      net.everConnected = true;
      if (!again) info(net.server, tNodes('network.connected', { network: net.name, nick: nickEl(e.nick) }), 'info', time);
      if (!app.chatShown || connectScreenWaiting(net)) { showChat(); select(net.server); }
      break;
    }
    case 'disconnected': {
      const wasWaiting = connectScreenWaiting(net) && !net.everConnected;
      net.status = e.retryIn > 0 ? 'reconnecting' : 'disconnected';
      net.retryAt = e.retryIn > 0 ? Date.now() + e.retryIn : 0;
      for (const c of net.convs.values()) { c.joined = false; c.members.clear(); }
      const line = e.retryIn > 0
        ? t('network.disconnectedRetry', { reason: e.reason || '', seconds: Math.ceil(e.retryIn / 1000) })
        : t('network.disconnected', { reason: e.reason || '' });
      info(net.server, line, 'problem', time, e.retryIn > 0 ? null : { label: t('network.reconnect'), run: () => reconnect(net) });
      if (app.current && app.current.network === net && app.current !== net.server) info(app.current, line, 'problem', time);
      if (wasWaiting) {
        $('connect-button').disabled = false;
        $('connect-progress').textContent = '';
        if (!$('connect-error').textContent) $('connect-error').textContent = line;
      }
      if (e.retryIn <= 0 && !net.wanted && !app.replaying) endSessionIfIdle();
      break;
    }
    case 'message': onMessage(net, e, time); break;
    case 'joined': {
      const c = net.conv(e.channel, 'channel');
      if (e.self || isMe(net, e.nick, c)) {
        // Already in it as this nick: the network saying again where the person stands (after a
        // reload or a gap), not news. Members and topic follow and replace what the page has.
        const again = c.joined && fold(myNick(net, c) || '') === fold(e.nick);
        c.joined = c.wanted = true;
        c.myNick = e.nick;
        if (again) {
          c.resync = true;
          if (c.selectWhenJoined) { c.selectWhenJoined = false; if (app.chatShown) select(c); }
          membersChanged(c);
          break;
        }
        c.members.clear();
        c.topicSeen = c.topicShown = false;
        status(c, { ev: 'join', self: true, nick: e.nick }, time);
        const first = net.autoSelect === fold(c.name);
        if (first) net.autoSelect = null;
        if (c.selectWhenJoined || first || !app.current || app.current.type === 'server') {
          c.selectWhenJoined = false;
          if (app.chatShown) select(c);
        }
        pump();
      } else {
        c.members.set(fold(e.nick), { nick: e.nick, modes: '', role: '', affiliation: '' });
        status(c, { ev: 'join', nick: e.nick }, time);
      }
      membersChanged(c);
      break;
    }
    case 'parted':
    case 'kicked':
    case 'banned': {
      const c = net.find(e.channel) || net.conv(e.channel, 'channel');
      const ev = { parted: 'part', kicked: 'kick', banned: 'ban' }[e.type];
      const self = e.self || isMe(net, e.nick, c);
      if (self) {
        c.joined = false;
        if (ev === 'part') c.wanted = false;
        c.members.clear();
      } else {
        c.members.delete(fold(e.nick));
      }
      status(c, { ev, self, nick: e.nick, by: e.by, reason: e.reason }, time);
      if (self && ev !== 'part' && !app.replaying) alertFor(c, t('alert.kicked', { channel: c.name, by: e.by || '' }), e.reason || '');
      membersChanged(c);
      break;
    }
    case 'quit': {
      const listed = new Set((e.channels || []).map(fold));
      for (const c of net.convs.values()) {
        const there = c.members.delete(fold(e.nick)) || listed.has(fold(c.name)) || (c.type === 'query' && fold(c.name) === fold(e.nick));
        if (there) { status(c, { ev: 'quit', nick: e.nick, reason: e.reason }, time); membersChanged(c); }
      }
      break;
    }
    case 'nick': onNick(net, e, time); break;
    case 'topic': {
      const c = net.conv(e.channel, 'channel');
      const known = c.resync && c.topic && c.topic.text === (e.topic || '') && c.topic.setBy === (e.setBy || '');
      c.resync = false;
      c.topic = { text: e.topic || '', setBy: e.setBy || '', setAt: e.setAt ? new Date(e.setAt) : null };
      // The topic that comes with a join is shown as "Topic: …", later ones as changes. IRC sends
      // it before the names that end the join; an XMPP room sends its subject once after joining.
      // One said again by a refresh that the page already has is not shown again.
      const initial = net.kind === 'xmpp' ? !c.topicShown : !c.topicSeen;
      c.topicSeen = c.topicShown = true;
      if (known) {
        // nothing new
      } else if (initial) {
        if (c.topic.text) info(c, topicLine(c.topic), 'info', time);
      } else {
        status(c, { ev: 'topic', nick: e.setBy, text: e.topic }, time);
      }
      if (app.current === c) renderHeader();
      break;
    }
    case 'members': {
      const c = net.conv(e.channel, 'channel');
      c.members.clear();
      c.topicSeen = true; // the names end a join: a topic from now on is a change
      for (const m of e.members || []) c.members.set(fold(m.nick), member(m));
      membersChanged(c);
      break;
    }
    case 'member': {
      const c = net.conv(e.channel, 'channel');
      if (e.member && e.member.nick) c.members.set(fold(e.member.nick), member(e.member));
      membersChanged(c);
      break;
    }
    case 'mode': onMode(net, e, time); break;
    case 'invited': {
      const line = tNodes('event.invited', { by: nickEl(e.by || ''), channel: e.channel || '' });
      const join = { label: t('action.join'), run: () => joinChannel(net, e.channel, true) };
      info(net.server, line, 'info', time, join);
      if (app.current && app.current.network === net && app.current !== net.server) {
        info(app.current, tNodes('event.invited', { by: nickEl(e.by || ''), channel: e.channel || '' }), 'info', time, join);
      }
      if (!app.replaying) alertFor(net.server, t('alert.invited', { by: e.by || '', channel: e.channel || '' }), e.reason || '');
      break;
    }
    case 'presence': onPresence(net, e, time); break;
    case 'account':
      if (fold(e.nick || '') === fold(net.nick)) {
        info(net.server, e.account ? t('event.loggedIn', { account: e.account }) : t('event.loggedOut'), 'info', time);
      }
      for (const c of net.convs.values()) { const m = c.members.get(fold(e.nick || '')); if (m) m.account = e.account; }
      break;
    case 'roster':
      net.roster = new Map((e.contacts || []).map(c => [fold(c.address), { ...c }]));
      scheduleSidebar();
      break;
    case 'whois': onWhois(net, e, time); break;
    case 'server-text':
      add(net.server, { t: 'motd', from: e.from || '', text: e.text || '', time });
      break;
    case 'problem': onProblem(net, e, time); break;
    default: break; // an event this page does not know yet
  }
  if (STORED.has(e.type)) saveSession();
  refreshNetwork(net);
}

/**
 * Whether a nick is the person's own (in conversation c, where a room may know them by another
 * name, as on XMPP): the page's own view, so it holds whatever a bridge says.
 */
const myNick = (net, c) => (c && c.myNick) || net.nick;
const isMe = (net, nick, c) => !!nick && !!myNick(net, c) && fold(nick) === fold(myNick(net, c));

function member(m) {
  return { nick: m.nick, modes: m.prefix || '', role: m.role || '', affiliation: m.affiliation || '', away: false };
}

function onMessage(net, e, time) {
  const channel = net.isChannel(e.conversation);
  const c = net.conv(e.conversation, channel ? 'channel' : 'query');
  const kind = ['message', 'action', 'notice'].includes(e.kind) ? e.kind : 'message';
  const self = e.self || isMe(net, e.from, c);
  if (self) {
    const i = c.pending.findIndex(p => p.cseq !== null && !p.failed && p.kind === kind && (p.text === e.text || p.text.startsWith(e.text)));
    if (i >= 0) { const [p] = c.pending.splice(i, 1); if (p.el) p.el.remove(); }
  }
  const text = e.text || '';
  const mention = !self && !e.history && (c.type === 'query' || mentions(myNick(net, c), text));
  add(c, { t: 'msg', kind, from: (self && myNick(net, c)) || e.from || '', text, self, history: !!e.history, mention, time });
  if (!self) {
    c.recent = [e.from, ...c.recent.filter(n => fold(n) !== fold(e.from))].slice(0, 30);
    if (mention && !e.history && !app.replaying) {
      alertFor(c, c.type === 'query' ? e.from : t('alert.mention', { nick: e.from, channel: c.name }), plainText(text));
    }
  }
}

function mentions(own, text) {
  if (!own) return false;
  const nick = own.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_\\-\\[\\]\\\\\`^{|}])${nick}($|[^\\p{L}\\p{N}_\\-\\[\\]\\\\\`^{|}])`, 'iu').test(plainText(text));
}

function onNick(net, e, time) {
  const oldKey = fold(e.oldNick), newKey = fold(e.newNick);
  // On XMPP a nickname belongs to one room (channel); on IRC to the whole network.
  const room = e.channel ? net.find(e.channel) : null;
  const self = e.self || isMe(net, e.oldNick, room);
  if (self && room) {
    room.myNick = e.newNick;
  } else if (self) {
    net.nick = e.newNick;
    for (const c of net.convs.values()) if (c.myNick && fold(c.myNick) === oldKey) c.myNick = e.newNick;
    info(net.server, tNodes('event.selfNick', { nick: nickEl(e.newNick) }), 'info', time);
  }
  if (self && app.current && app.current.network === net) renderComposer();
  for (const c of room ? [room] : net.convs.values()) {
    c.recent = c.recent.map(n => (fold(n) === oldKey ? e.newNick : n));
    const m = c.members.get(oldKey);
    if (m) {
      c.members.delete(oldKey);
      m.nick = e.newNick;
      c.members.set(newKey, m);
      status(c, { ev: 'nick', self, nick: e.oldNick, newNick: e.newNick }, time);
      membersChanged(c);
    }
  }
  const q = room ? null : net.convs.get(oldKey);
  if (q && q.type === 'query' && oldKey !== newKey && !net.convs.has(newKey)) {
    net.convs.delete(oldKey);
    q.name = e.newNick;
    net.convs.set(newKey, q);
    status(q, { ev: 'nick', nick: e.oldNick, newNick: e.newNick }, time);
    scheduleSidebar();
    if (app.current === q) renderHeader();
  } else if (q && q.type === 'query' && oldKey === newKey) {
    q.name = e.newNick;
    scheduleSidebar();
  }
}

function onMode(net, e, time) {
  const c = net.find(e.target || '');
  if (!c || c.type !== 'channel') {
    info(net.server, t('event.userMode', { modes: e.modes || '', by: e.by || '' }), 'info', time);
    return;
  }
  const [letters = '', ...args] = (e.modes || '').split(' ');
  let sign = '+';
  for (const ch of letters) {
    if (ch === '+' || ch === '-') { sign = ch; continue; }
    const takes = ALWAYS_PARAM.includes(ch) || (sign === '+' && PARAM_WHEN_SET.includes(ch));
    const arg = takes ? args.shift() : undefined;
    const prefix = MODE_PREFIX[ch];
    if (prefix && arg) {
      const m = c.members.get(fold(arg));
      if (m) {
        const set = new Set(m.modes);
        if (sign === '+') set.add(prefix); else set.delete(prefix);
        m.modes = RANK.filter(r => set.has(r)).join('');
        m.role = PREFIX_ROLE[m.modes[0]] || '';
      }
    }
  }
  status(c, { ev: 'mode', nick: e.by, text: e.modes }, time);
  membersChanged(c);
}

function onPresence(net, e, time) {
  const who = e.who || '';
  if (e.self) {
    net.presence = e.status;
    const line = e.status === 'available' ? t('event.selfBack') : t('event.selfAway', { message: e.message || '' });
    info(net.server, line, 'info', time);
    if (app.current && app.current.network === net && app.current !== net.server) info(app.current, line, 'info', time);
    scheduleSidebar();
    return;
  }
  const contact = net.roster.get(fold(who));
  if (contact) { contact.status = e.status; contact.message = e.message || ''; }
  for (const c of net.convs.values()) {
    const m = c.members.get(fold(who));
    if (m) { m.away = e.status !== 'available'; membersChanged(c); }
  }
  const q = net.find(who);
  if (q && q.type === 'query') {
    q.presence = e.status;
    info(q, e.status === 'available' ? t('event.back', { nick: who }) : t('event.away', { nick: who, status: t(`presence.${e.status}`), message: e.message || '' }), 'info', time);
  }
  scheduleSidebar();
}

function onWhois(net, e, time) {
  // The answer shows where the person asked (the open conversation), else with that person.
  const target = (app.current && app.current.network === net ? app.current : null) || net.find(e.nick || '') || net.server;
  add(target, { t: 'whois', data: e, time });
}

function onProblem(net, e, time) {
  const where = (e.conversation && net.find(e.conversation)) || (app.current && app.current.network === net ? app.current : net.server);
  where.lastProblemAt = Date.now();
  if (connectScreenWaiting(net) && !net.everConnected) {
    $('connect-error').textContent = problemText(e);
  }
  info(where, problemText(e), 'problem', time);
}

function problemWithoutNetwork(e) {
  if (!$('connect-screen').hidden) {
    $('connect-error').textContent = problemText(e);
    $('connect-button').disabled = false;
    $('connect-progress').textContent = '';
    const net = app.networks.get($('network').value);
    if (net && !net.everConnected) net.status = 'idle';
  }
  if (app.current) info(app.current, problemText(e), 'problem', new Date(e.time || Date.now()));
}

function problemText(e) {
  const known = t(`problem.${e.code}`);
  const label = known === `problem.${e.code}` ? t('problem.other') : known;
  const detail = [e.field, e.message].filter(Boolean).join(': ');
  return detail ? `${label}: ${detail}` : label;
}

function topicLine(topic) {
  const frag = tNodes('event.topicIs', { topic: renderIrcText(topic.text, { channelPrefixes: '#&' }) });
  if (topic.setBy) {
    frag.append(' ', tNodes(topic.setAt ? 'event.topicSetByAt' : 'event.topicSetBy',
      { nick: nickEl(topic.setBy), time: topic.setAt ? fullFormat().format(topic.setAt) : '' }));
  }
  return frag;
}

// ---------------------------------------------------------------- items

function info(c, text, level = 'info', time = new Date(), action = null) {
  add(c, { t: 'info', level, text, action, time });
}

function status(c, s, time) {
  add(c, { t: 'status', channel: c.name, ...s, time });
}

/** Adds an item to a conversation; folds piling joins/parts/quits/nicks into one line. */
function add(c, item) {
  if (!(item.time instanceof Date) || isNaN(item.time)) item.time = new Date();
  const last = c.items[c.items.length - 1];
  if (item.t === 'status' && CONDENSED.has(item.ev) && !item.self && last && dayKey(last.time) === dayKey(item.time)) {
    if (last.t === 'group') {
      last.items.push(item);
      rerender(c, last);
      return;
    }
    if (last.t === 'status' && CONDENSED.has(last.ev) && !last.self) {
      const group = { t: 'group', time: last.time, items: [last, item], open: false };
      c.items[c.items.length - 1] = group;
      group.el = last.el;
      rerender(c, group);
      return;
    }
  }
  c.items.push(item);
  if (c.items.length > MAX_ITEMS) {
    const gone = c.items.splice(0, c.items.length - MAX_ITEMS);
    if (app.current === c) gone.forEach(g => g.el && g.el.remove());
  }
  const counts = item.t === 'msg' && !item.self && !item.history && !app.replaying;
  const looking = app.current === c && !document.hidden && app.chatShown;
  if (counts && !looking) {
    if (c.unread === 0) c.firstUnread = item;
    c.unread++;
    if (item.mention) c.mentions++;
    scheduleSidebar();
    renderTitle();
  }
  if (app.current === c) append(item);
}

function rerender(c, item) {
  if (app.current !== c || !item.el) return;
  const stick = c.atBottom;
  const el = renderItem(item, itemView());
  item.el.replaceWith(el);
  item.el = el;
  if (stick) scrollToBottom();
}

function append(item) {
  const list = $('messages');
  const day = dayKey(item.time);
  if (day !== app.view.lastDay) {
    list.append(h('li', { class: 'marker day', role: 'separator' }, dayLabel(item.time)));
    app.view.lastDay = day;
  }
  if (item === app.current.firstUnread) list.append(h('li', { class: 'marker unread', role: 'separator' }, t('messages.unread')));
  item.el = renderItem(item, itemView());
  list.append(item.el);
  if (app.current.atBottom) scrollToBottom();
  else if (item.t === 'msg') $('jump').hidden = false;
}

/** How items render in the open conversation: its channel links, and folded groups redrawn in place. */
function itemView() {
  return { ...channelOptions(), toggle: item => rerender(app.current, item) };
}

function channelOptions() {
  const net = app.current && app.current.network;
  return { channelPrefixes: net && net.kind === 'irc' ? '#&' : '' };
}

// ---------------------------------------------------------------- selecting and rendering a conversation

function select(c) {
  if (!c) return;
  const old = app.current;
  if (old && old !== c) {
    old.firstUnread = null;
    for (const item of old.items) item.el = null;
    for (const p of old.pending) p.el = null;
  }
  app.current = c;
  saveSession();
  markRead(c);
  $('chat-screen').classList.toggle('no-members', c.type !== 'channel' || !!c.hideMembers);
  renderHeader();
  renderComposer();
  app.view.lastDay = '';
  $('messages').replaceChildren();
  const firstUnread = c.firstUnread;
  for (const item of c.items) append(item);
  c.firstUnread = firstUnread;
  renderPending();
  renderMembers();
  scheduleSidebar();
  closePanes();
  requestAnimationFrame(() => {
    const scroller = $('scroller');
    if (c.atBottom) scrollToBottom(); else scroller.scrollTop = c.scrollTop;
  });
}

function markRead(c) {
  if (!c.unread && !c.mentions) return;
  if (document.hidden) return;
  c.unread = 0;
  c.mentions = 0;
  scheduleSidebar();
  renderTitle();
}

function scrollToBottom() {
  const s = $('scroller');
  s.scrollTop = s.scrollHeight;
  if (app.current) app.current.atBottom = true;
  $('jump').hidden = true;
}

function renderHeader() {
  const c = app.current;
  if (!c) return;
  const net = c.network;
  $('conv-title').textContent = shownName(shortName(c));
  $('conv-title').title = shownName(c.name);
  const topic = $('topic');
  topic.setAttribute('aria-expanded', 'false');
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
  renderTitle();
  renderBanner();
}

function renderComposer() {
  const c = app.current;
  if (!c) return;
  $('my-nick').textContent = myNick(c.network, c) || '';
  const input = $('input');
  if (c.type === 'server') input.placeholder = t('composer.server');
  else if (c.type === 'channel' && !c.joined) input.placeholder = t('composer.notJoined', { channel: c.name });
  else input.placeholder = t('composer.placeholder', { name: shortName(c) });
}

function networkStatusText(net) {
  switch (net.status) {
    case 'connected': return t('network.statusConnected', { nick: net.nick });
    case 'connecting': return net.ahead > 0 ? t('network.queued', { count: net.ahead }) : t('network.connecting', { network: net.name });
    case 'reconnecting': return t('network.reconnectingIn', { seconds: Math.max(0, Math.ceil((net.retryAt - Date.now()) / 1000)) });
    case 'disconnected': return t('network.statusDisconnected');
    default: return '';
  }
}

/** Connected, or on the way there (Halley retrying by itself counts): Disconnect, not Reconnect. */
const online = net => ['connected', 'connecting', 'reconnecting'].includes(net.status);

function refreshNetwork(net) {
  scheduleSidebar();
  if (app.current && app.current.network === net) { renderHeader(); renderComposer(); }
}

// ---------------------------------------------------------------- members

let membersFrame = 0;
function membersChanged(c) {
  if (app.current !== c || membersFrame) return;
  membersFrame = requestAnimationFrame(() => { membersFrame = 0; renderMembers(); renderHeader(); });
}

function rank(m) {
  const mark = markOf(m);
  const i = RANK.indexOf(mark);
  return i < 0 ? RANK.length : i;
}

function markOf(m) {
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

function renderMembers() {
  const c = app.current;
  if (!c || c.type !== 'channel') { $('members').replaceChildren(); return; }
  const sorted = [...c.members.values()].sort((a, b) => rank(a) - rank(b) || a.nick.localeCompare(b.nick, undefined, { sensitivity: 'base' }));
  $('members-title').textContent = t('members.count', { count: sorted.length });
  $('members').replaceChildren(...sorted.map(m => {
    const mark = markOf(m);
    const role = roleName(m);
    return h('li', { class: m.away ? 'away' : '' }, h('button', { type: 'button', class: 'member', dataset: { nick: m.nick }, title: role || undefined },
      h('span', { class: `mark ${PREFIX_ROLE[mark] || m.role || ''}`, 'aria-label': role || undefined }, mark),
      h('span', { class: `nick ${nickColour(m.nick)}` }, shownName(m.nick))));
  }));
}

function toggleMembers() {
  const screen = $('chat-screen');
  if (window.matchMedia('(max-width: 1000px)').matches) { openPane('members-open'); return; }
  if (!app.current) return;
  app.current.hideMembers = !app.current.hideMembers;
  screen.classList.toggle('no-members', app.current.hideMembers);
  $('toggle-members').setAttribute('aria-expanded', String(!app.current.hideMembers));
}

function openPane(cls) {
  $('chat-screen').classList.add(cls);
  $('scrim').hidden = false;
  const pane = cls === 'sidebar-open' ? $('sidebar') : $('members-pane');
  const first = pane.querySelector('button');
  if (first) first.focus();
}

function closePanes() {
  const screen = $('chat-screen');
  const was = screen.classList.contains('sidebar-open') || screen.classList.contains('members-open');
  screen.classList.remove('sidebar-open', 'members-open');
  $('scrim').hidden = true;
  if (was) $('input').focus();
}

// ---------------------------------------------------------------- sidebar, title, link state

let sidebarFrame = 0;
function scheduleSidebar() {
  if (sidebarFrame) return;
  sidebarFrame = requestAnimationFrame(() => { sidebarFrame = 0; renderSidebar(); });
}

function convButton(c, label, extra = []) {
  const classes = ['conv', c.type];
  if (c.unread) classes.push('unread');
  if (c.type === 'channel' && !c.joined) classes.push('parted');
  if (c.type === 'server' && c.network.status !== 'connected') classes.push('offline');
  const badges = [];
  if (c.mentions) badges.push(h('span', { class: 'badge mention', title: t('sidebar.mentions', { count: c.mentions }) }, String(c.mentions)));
  else if (c.unread) badges.push(h('span', { class: 'badge', title: t('sidebar.unread', { count: c.unread }) }, String(c.unread)));
  return h('button', {
    type: 'button', class: classes.join(' '), 'aria-current': String(app.current === c), title: label !== c.name ? shownName(c.name) : undefined,
    onclick: () => { c.network.autoSelect = null; select(c); }, dataset: { network: c.network.name, name: c.name },
  }, extra, h('span', { class: 'name' }, shownName(label)), badges);
}

function renderSidebar() {
  const out = [];
  for (const net of app.networks.values()) {
    const convs = [...net.convs.values()];
    const channels = convs.filter(c => c.type === 'channel').sort(byName);
    const queries = convs.filter(c => c.type === 'query').sort(byName);
    const group = h('div', { class: 'network', role: 'group', 'aria-label': net.name });
    group.append(convButton(net.server, net.name, [h('span', { class: `dot ${net.status}`, title: networkStatusText(net) })]));
    channels.forEach(c => group.append(convButton(c, shortName(c))));
    if (queries.length) {
      group.append(h('div', { class: 'section-label' }, t('sidebar.private')));
      queries.forEach(c => group.append(convButton(c, shortName(c), [h('span', { class: `dot ${c.presence || (net.roster.get(fold(c.name)) || {}).status || 'none'}` })])));
    }
    const contacts = [...net.roster.values()].filter(x => !net.find(x.address)).sort((a, b) => (a.status === 'offline') - (b.status === 'offline') || (a.name || a.address).localeCompare(b.name || b.address));
    if (contacts.length) {
      group.append(h('div', { class: 'section-label' }, t('sidebar.contacts')));
      contacts.forEach(x => group.append(h('button', { type: 'button', class: 'conv query contact', title: x.message || undefined, onclick: () => select(net.conv(x.address, 'query')) },
        h('span', { class: `dot ${x.status}` }), h('span', { class: 'name' }, x.name || x.address))));
    }
    out.push(group);
  }
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#networks .conv');
  const again = focused ? [focused.dataset.network, focused.dataset.name] : null;
  $('networks').replaceChildren(...out);
  if (again) {
    const match = [...$('networks').querySelectorAll('.conv')].find(b => b.dataset.network === again[0] && b.dataset.name === again[1]);
    if (match) match.focus();
  }
  const total = [...allConvs()].reduce((n, c) => n + c.mentions, 0);
  const badge = $('total-unread');
  badge.hidden = total === 0;
  badge.textContent = String(total);
}

const byName = (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

function* allConvs() {
  for (const net of app.networks.values()) { yield net.server; yield* net.convs.values(); }
}

function renderTitle() {
  const total = [...allConvs()].reduce((n, c) => n + c.mentions, 0);
  const name = app.current ? app.current.name : '';
  document.title = `${total ? `(${total}) ` : ''}${name ? `${name} · ` : ''}${t('app.name')}`;
}

function linkText(reason) {
  const l = app.link;
  switch (l.name) {
    case 'live': return t('link.live', { transport: t(`transport.${l.transport}`) === `transport.${l.transport}` ? l.transport : t(`transport.${l.transport}`) });
    case 'connecting': return t('link.connecting');
    case 'reconnecting': return l.retryAt ? t('link.reconnectingIn', { seconds: Math.max(0, Math.ceil((l.retryAt - Date.now()) / 1000)) }) : t('link.reconnecting');
    case 'closed': return reason === 'replaced' ? t('link.replaced') : reason ? t('link.closedReason', { reason }) : t('link.closed');
    default: return t('link.idle');
  }
}

function renderLink(reason) {
  if (reason !== undefined) app.link.reason = reason;
  const el = $('link-state');
  el.replaceChildren(h('span', { class: `dot ${app.link.name === 'live' ? 'connected' : app.link.name === 'closed' ? 'disconnected' : 'reconnecting'}` }), linkText(app.link.reason));
  el.dataset.state = app.link.name;
  if (!$('connect-screen').hidden && app.link.name !== 'live' && app.link.name !== 'idle' && $('connect-button').disabled) {
    $('connect-progress').textContent = linkText(app.link.reason);
  }
  renderBanner();
}

function renderBanner() {
  const banner = $('banner');
  const l = app.link;
  const net = app.current && app.current.network;
  const parts = [];
  if (l.name === 'reconnecting' || l.name === 'connecting') {
    parts.push(linkText());
    const waiting = [...allConvs()].reduce((n, c) => n + c.pending.length, 0);
    parts.push(waiting ? t('link.queued', { count: waiting }) : t('link.willQueue'));
  } else if (l.name === 'closed') {
    parts.push(linkText(l.reason));
  } else if (net && (net.status === 'reconnecting' || net.status === 'disconnected') && app.current.type !== 'server') {
    parts.push(`${net.name}: ${networkStatusText(net)}`);
  }
  banner.hidden = parts.length === 0;
  if (!parts.length) return;
  banner.replaceChildren(parts.join(' · '));
  if (l.name === 'closed') banner.append(' ', h('button', { type: 'button', class: 'secondary small', onclick: () => restartAll() }, t('link.restart')));
  else if (net && net.status === 'disconnected' && l.name === 'live') banner.append(' ', h('button', { type: 'button', class: 'secondary small', onclick: () => reconnect(net) }, t('network.reconnect')));
}

function renderNotifyButton() {
  const b = $('notify-toggle');
  const s = alerts.state;
  b.hidden = s === 'unsupported';
  b.disabled = s === 'denied';
  b.textContent = t(s === 'on' ? 'notify.disable' : s === 'denied' ? 'notify.denied' : 'notify.enable');
}

function tick() {
  const counting = app.link.name === 'reconnecting' || [...app.networks.values()].some(n => n.status === 'reconnecting');
  if (counting) { renderLink(); scheduleSidebar(); if (app.current && app.current.type === 'server') renderHeader(); }
  refreshPending();
}

function alertFor(c, title, body) {
  alerts.notify(title, body, `${c.network.name}/${c.name}`, () => { showChat(); select(c); });
}

// ---------------------------------------------------------------- input

function submitInput(text) {
  const c = app.current;
  if (!c) return;
  const lines = splitLines(text);
  if (lines.length > 1) {
    if (lines.length > CONFIRM_LINES) confirmPaste(lines); else sendLines(c, lines);
    return;
  }
  const ctx = { conversation: c.type === 'server' ? null : c.name, type: c.type, kind: c.network.kind, isChannel: n => c.network.isChannel(n) };
  for (const a of parseLine(lines[0] || text, ctx)) run(c, a);
}

/** Carries out one action of commands.js. */
function run(c, a) {
  const net = c.network;
  if (a.error) { info(c, t(a.error, { ...a.params, usage: a.params && a.params.usage ? t(a.params.usage) : '' }), 'problem'); return; }
  if (a.say !== undefined) {
    const target = net.isChannel(a.target) ? net.find(a.target) : net.conv(a.target, 'query');
    if (!target || (target.type === 'channel' && !target.joined && target !== c)) { send(net, { op: 'say', target: a.target, text: a.say }); return; }
    queueLine(target, 'message', a.say);
    return;
  }
  if (a.act !== undefined) { queueLine(net.find(a.target) || c, 'action', a.act); return; }
  if (a.op) {
    const op = { ...a.op };
    if (op.op === 'quit') net.wanted = false;
    if (a.local === 'away-default' && !op.message) op.message = t('composer.awayDefault');
    if (a.local === 'select-when-joined') {
      const existing = net.find(a.channel);
      if (existing && existing.joined) { select(existing); return; }
      net.conv(a.channel, 'channel').selectWhenJoined = true;
    }
    send(net, op);
    return;
  }
  switch (a.local) {
    case 'query': select(net.conv(a.target, 'query')); break;
    case 'show-topic': {
      const ch = net.find(a.channel);
      info(c, ch && ch.topic && ch.topic.text ? topicLine(ch.topic) : t('event.noTopic', { channel: a.channel }));
      break;
    }
    case 'clear':
      c.items = [];
      if (app.current === c) { $('messages').replaceChildren(); app.view.lastDay = ''; }
      break;
    case 'close': closeConversation(c); break;
    case 'help': showHelp(c, a.command); break;
    default: break;
  }
}

function joinChannel(net, channel, show) {
  const existing = net.find(channel);
  if (existing && existing.joined) { select(existing); return; }
  if (show) net.conv(channel, 'channel').selectWhenJoined = true;
  send(net, { op: 'join', channel, key: '' });
}

function closeConversation(c) {
  const net = c.network;
  if (c.type === 'server') { info(c, t('error.closeServer'), 'problem'); return; }
  if (c.type === 'channel' && c.joined) send(net, { op: 'part', channel: c.name, reason: '' });
  net.convs.delete(fold(c.name));
  app.queue = app.queue.filter(p => p.conv !== c);
  select(net.server);
}

function showHelp(c, command) {
  if (command && COMMANDS.includes(command)) {
    info(c, `${t(`usage.${command}`)} — ${t(`help.${command}`)}`);
    return;
  }
  info(c, t('help.intro'));
  for (const name of COMMANDS) info(c, `${t(`usage.${name}`)} — ${t(`help.${name}`)}`);
  info(c, t('help.keys'));
}

function completions(prefix, atStart) {
  const c = app.current;
  if (!c) return [];
  const p = prefix.toLowerCase();
  if (atStart && prefix.startsWith('/')) return COMMANDS.map(n => `/${n}`).filter(n => n.startsWith(p));
  const net = c.network;
  if (net.isChannel(prefix)) {
    return [...net.convs.values()].filter(x => x.type === 'channel' && x.name.toLowerCase().startsWith(p)).map(x => x.name);
  }
  const seen = new Set();
  const out = [];
  const consider = nick => {
    const k = fold(nick);
    if (!seen.has(k) && nick.toLowerCase().startsWith(p) && k !== fold(myNick(net, c))) { seen.add(k); out.push(nick); }
  };
  c.recent.filter(n => c.type !== 'channel' || c.members.has(fold(n))).forEach(consider);
  [...c.members.values()].map(m => m.nick).sort((a, b) => a.localeCompare(b)).forEach(consider);
  if (c.type === 'query') consider(c.name);
  return out;
}

// ---------------------------------------------------------------- outgoing lines: pending, paced

/** A line the person typed: shown as pending at once, sent when the link and channel allow, paced. */
function queueLine(c, kind, text) {
  const p = { t: 'msg', kind, text, from: myNick(c.network, c), self: true, pending: true, time: new Date(), conv: c, cseq: null, acked: false, seq: ++app.seq };
  c.pending.push(p);
  app.queue.push(p);
  if (app.current === c) renderPending();
  pump();
}

function canSend(p) {
  const c = p.conv, net = c.network;
  return app.client && app.link.name === 'live' && net.status === 'connected' && (c.type !== 'channel' || c.joined);
}

function pump() {
  clearTimeout(app.pumpTimer);
  const now = performance.now();
  app.tokens = Math.min(BURST, app.tokens + ((now - app.refilled) / 1000) * RATE);
  app.refilled = now;
  const blocked = new Set();
  for (let i = 0; i < app.queue.length;) {
    const p = app.queue[i];
    if (blocked.has(p.conv) || !canSend(p)) { blocked.add(p.conv); i++; continue; }
    if (app.tokens < 1) { app.pumpTimer = setTimeout(pump, Math.ceil(((1 - app.tokens) / RATE) * 1000)); break; }
    app.tokens -= 1;
    app.queue.splice(i, 1);
    p.cseq = send(p.conv.network, { op: p.kind === 'action' ? 'act' : 'say', target: p.conv.name, text: p.text });
    if (p.el) p.el.title = t('messages.sending');
  }
  renderPasteProgress();
  renderBanner();
}

/** Marks lines the server has acknowledged; settles those the network never echoed. */
function refreshPending() {
  if (!app.client) return;
  const waiting = new Set(app.client.pending());
  const now = Date.now();
  for (const c of allConvs()) {
    for (const p of [...c.pending]) {
      if (p.cseq === null || p.failed) continue;
      if (!p.acked && !waiting.has(p.cseq)) { p.acked = true; p.ackedAt = now; }
      if (p.acked && now - p.ackedAt > ECHO_WAIT_MS) {
        c.pending.splice(c.pending.indexOf(p), 1);
        if (p.el) p.el.remove();
        p.pending = false;
        p.failed = (c.lastProblemAt || 0) >= p.ackedAt - 500;
        add(c, { t: 'msg', kind: p.kind, from: p.from, text: p.text, self: true, failed: p.failed, time: p.time });
      }
    }
  }
}

function renderPending() {
  const c = app.current;
  const list = $('pending');
  list.replaceChildren(...(c ? c.pending.map(p => { p.el = renderItem(p, itemView()); return p.el; }) : []));
  if (c && c.atBottom) scrollToBottom();
  renderPasteProgress();
}

function renderPasteProgress() {
  const c = app.current;
  const left = c ? app.queue.filter(p => p.conv === c).length : 0;
  const box = $('paste-progress');
  box.hidden = left < 2 || app.link.name !== 'live';
  $('paste-progress-text').textContent = t('paste.progress', { count: left });
}

function stopPaste() {
  const c = app.current;
  const stopped = app.queue.filter(p => p.conv === c);
  app.queue = app.queue.filter(p => p.conv !== c);
  c.pending = c.pending.filter(p => !stopped.includes(p));
  renderPending();
}

/** XMPP carries line breaks: several lines go as one message there, one message per line on IRC. */
const oneMessage = c => c.network.kind === 'xmpp';

function sendLines(c, lines) {
  if (oneMessage(c)) queueLine(c, 'message', lines.join('\n'));
  else lines.forEach(l => queueLine(c, 'message', l));
}

function confirmPaste(lines) {
  const c = app.current;
  if (!c) return;
  const dialog = $('paste-dialog');
  const tooMany = lines.length > MAX_PASTE;
  const target = c.type === 'server' ? null : c;
  $('paste-question').textContent = !target ? t('error.noConversation')
    : tooMany ? t('paste.tooMany', { count: lines.length, max: MAX_PASTE })
      : t(oneMessage(c) ? 'paste.questionOne' : 'paste.question', { count: lines.length, name: c.name, seconds: Math.max(0, Math.ceil((lines.length - BURST) / RATE)) });
  $('paste-preview').textContent = tooMany || !target ? '' : lines.slice(0, 20).join('\n') + (lines.length > 20 ? '\n…' : '');
  $('paste-send').hidden = tooMany || !target;
  dialog.returnValue = '';
  dialog.onclose = () => {
    if (dialog.returnValue === 'send' && target && !tooMany) sendLines(target, lines);
    $('input').focus();
  };
  dialog.showModal();
  (tooMany || !target ? dialog.querySelector('button[value=cancel]') : $('paste-send')).focus();
}

// ---------------------------------------------------------------- clicks and keys

function onChatClick(e) {
  const chan = e.target.closest('.chan-link');
  if (chan && app.current) { joinChannel(app.current.network, chan.dataset.channel, true); return; }
  const nick = e.target.closest('button.nick, button.member');
  if (nick && app.current) { openNickMenu(nick.dataset.nick, nick); return; }
}

function openNickMenu(nick, anchor) {
  const c = app.current, net = c.network;
  const menu = $('nick-menu');
  const me = c.members.get(fold(myNick(net, c)));
  const isOp = me && rank(me) <= RANK.indexOf('%');
  const target = c.members.get(fold(nick));
  const item = (key, fn) => h('button', { type: 'button', role: 'menuitem', onclick: () => { closeMenu(); fn(); } }, t(key));
  const items = [item('menu.message', () => select(net.conv(nick, 'query'))), item('menu.whois', () => send(net, { op: 'whois', nick }))];
  if (c.type === 'channel' && isOp && fold(nick) !== fold(myNick(net, c))) {
    const has = ch => target && target.modes.includes(ch);
    if (net.kind === 'irc') {
      items.push(has('@') ? item('menu.deop', () => send(net, { op: 'mode', target: c.name, modes: `-o ${nick}` }))
        : item('menu.op', () => send(net, { op: 'mode', target: c.name, modes: `+o ${nick}` })));
      items.push(has('+') ? item('menu.devoice', () => send(net, { op: 'mode', target: c.name, modes: `-v ${nick}` }))
        : item('menu.voice', () => send(net, { op: 'mode', target: c.name, modes: `+v ${nick}` })));
    }
    items.push(item('menu.kick', () => send(net, { op: 'kick', channel: c.name, nick, reason: '' })));
    items.push(item('menu.ban', () => send(net, { op: 'ban', channel: c.name, who: nick, reason: '' })));
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

function closeMenu() { $('nick-menu').hidden = true; }

function onGlobalKey(e) {
  if ($('chat-screen').hidden) return;
  if (e.key === 'Escape') { closeMenu(); closePanes(); return; }
  if (!e.altKey || e.ctrlKey || e.metaKey) return;
  const convs = [...app.networks.values()].flatMap(n => [n.server,
    ...[...n.convs.values()].filter(c => c.type === 'channel').sort(byName),
    ...[...n.convs.values()].filter(c => c.type === 'query').sort(byName)]);
  const i = convs.indexOf(app.current);
  let next = null;
  if (e.key === 'ArrowDown') next = convs[(i + 1) % convs.length];
  else if (e.key === 'ArrowUp') next = convs[(i - 1 + convs.length) % convs.length];
  else if (/^[1-9]$/.test(e.key)) next = convs[Number(e.key) - 1];
  else if (e.key === 'a' || e.key === 'A') next = convs.find(c => c.mentions) || convs.find(c => c.unread);
  if (next) { e.preventDefault(); select(next); $('input').focus(); }
}

// ---------------------------------------------------------------- storage

function readStorage(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

function writeStorage(key, value) {
  try { localStorage.setItem(key, value); } catch { /* blocked (private mode, third-party iframe) */ }
}

// ---------------------------------------------------------------- this tab's session (reload)

/**
 * What a reload of this tab needs: the push session (id, token) and, to fill the connect screen
 * once it has ended, each network's nick and channels. sessionStorage only: one tab's, gone with
 * the tab, never sent anywhere (no cookie, no localStorage). Never the password.
 */
function saveSession() {
  const c = app.client;
  if (!c || !c.session || c.prebound || c.state.name === 'closed') return;
  const networks = [...app.networks.values()].filter(n => n.wanted).map(n => {
    const l = n.login || { nick: '', account: '', channels: [] };
    const channels = [...n.convs.values()].filter(x => x.type === 'channel' && x.wanted).map(x => x.name);
    return { network: n.name, nick: n.kind === 'irc' && n.nick ? n.nick : l.nick || '', account: l.account || '', channels: channels.length ? channels : l.channels || [] };
  });
  const current = app.current ? { network: app.current.network.name, name: app.current.name } : null;
  const { session, token, heartbeat } = c.session;
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ v: 1, session: { session, token, heartbeat }, networks, current }));
  } catch { /* storage blocked: a reload starts afresh */ }
}

/** The stored session, if well-formed; anything else is dropped. */
function readSession() {
  let v;
  try { v = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null'); } catch { v = null; }
  const str = x => typeof x === 'string';
  const ok = v && v.v === 1 && v.session && str(v.session.session) && str(v.session.token) && Array.isArray(v.networks)
    && v.networks.every(n => n && str(n.network) && str(n.nick) && str(n.account) && Array.isArray(n.channels) && n.channels.every(str));
  if (!ok) { forgetSession(); return null; }
  return v;
}

function forgetSession() {
  try { sessionStorage.removeItem(SESSION_KEY); } catch { /* blocked */ }
}

/** After /quit left the last network the person wanted: the session ends now, not after linger. */
function endSessionIfIdle() {
  if ([...app.networks.values()].some(n => n.wanted) || !app.client) return;
  forgetSession();
  app.client.stop();
}
