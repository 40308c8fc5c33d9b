// The page's push session: starting or resuming it (a reload), the link's state, and what the
// page does when events were lost or the session ended: networks connected again, lines that
// never went sent again. The push client (halley.js) runs on the page's main thread; it is never
// starved because nothing else holds that thread for long (render-loop.js, docs/architecture.md).
import { HalleyClient } from './halley.js';
import { t } from './i18n.js';
import { info, Network } from './state.js';
import { handleEvent } from './events/index.js';
import { saveSession, forgetSession } from './session-store.js';

/** Starts the push client unless one runs. False when the session to resume has ended. */
export async function ensureClient(page, options = {}) {
  const { app } = page;
  if (page.client && page.client.state.name !== 'closed') return true;
  const transport = page.params.get('transport');
  // Only the page's current client may speak: one left over from a restart is stopped if it
  // ever comes alive, and what it says is ignored.
  const mine = fn => (...args) => { if (client === page.client) fn(...args); };
  const client = new HalleyClient({
    transports: transport ? transport.split(',') : undefined,
    resume: options.resume,
    onEvent: mine((e, seq) => {
      app.replaying = seq <= client.replayUpTo; // sent before this page existed: no alerts, not unread
      try { handleEvent(app, e, page.ui); } catch (err) { console.error('halley: event', e && e.type, err); }
    }),
    onState: s => { if (client === page.client) onLinkState(page, s); else if (s.name === 'live') client.stop(); },
    onReset: mine(detail => onReset(page, detail)),
    onClosed: mine(reason => onClosed(page, reason)),
  });
  page.client = client;
  window.halleyClient = client; // the page's own session, for tests and the console
  const started = await client.start();
  if (started) save(page);
  return started;
}

export const save = page => saveSession(page.app, page.client);

/** Sends an op for a network now (the push client queues it while the link is down). */
export function send(page, net, op) {
  if (!page.client) return null;
  return page.client.send({ network: net.name, ...op });
}

function onLinkState(page, s) {
  const wasLive = page.app.link.name === 'live';
  page.app.link = { ...s, reason: page.app.link.reason };
  page.app.touch('link');
  if (s.name === 'live' && !wasLive) page.outbox.pump();
}

function onReset(page, detail) {
  if (detail && detail.resumed) return; // a reloaded page: it had nothing to lose; its networks say where they stand
  if (detail && detail.renewed) save(page);
  for (const net of page.app.networks.values()) {
    // A drain's move is planned (the node restarts): said, but not as a problem.
    if (detail && detail.moved) info(page.app, net.server, t('link.moved'));
    else info(page.app, net.server, t(detail && detail.renewed ? 'link.renewed' : 'link.lost'), 'problem');
  }
  if (detail && detail.renewed) restartNetworks(page);
}

function onClosed(page, reason) {
  if (reason === 'expired' && !page.app.chatShown) return; // a reload too late: the connect screen says so
  if (reason !== 'replaced') forgetSession();
  page.app.link.reason = reason;
  page.app.touch('link');
  if (reason === 'shutdown') setTimeout(() => restartAll(page), 2000 + Math.random() * 3000);
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * A fresh session (the old one ended): connect every network again, resend what never went.
 * Starting is retried with a new client when it does not finish within 10 s, with growing pauses.
 */
export async function restartAll(page) {
  if (page.restarting) return;
  page.restarting = true;
  try {
    for (let attempt = 0; ; attempt++) {
      const old = page.client;
      page.client = null;
      if (old && old.state.name !== 'closed') old.stop();
      const started = ensureClient(page).then(() => true, () => false);
      if (await Promise.race([started, sleep(10000).then(() => false)])) break;
      await sleep(Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random()));
    }
  } finally {
    page.restarting = false;
  }
  restartNetworks(page);
}

function restartNetworks(page) {
  for (const net of page.app.networks.values()) for (const c of net.convs.values()) c.joined = false;
  page.outbox.resend();
  for (const net of page.app.networks.values()) if (net.wanted) reconnect(page, net);
}

export function addNetwork(page, name, info) {
  const net = new Network(name, info || page.app.info.find(n => n.name === name));
  page.app.networks.set(name, net);
  page.app.touch('sidebar');
  return net;
}

export function connectNetwork(page, net, channels) {
  net.status = 'connecting';
  net.ahead = 0;
  net.autoSelect = channels.length ? channels[0] : null; // shown first once joined, unless the person chose another
  net.wanted = true; // until the person quits: a new session connects it again
  const l = net.login || { nick: net.nick, account: '', password: '' };
  // The IRC nick as it is now; on XMPP the network knows the person by address, the rooms by nick.
  const nick = net.kind === 'irc' && net.nick ? net.nick : l.nick;
  send(page, net, { op: 'connect', nick, account: l.account, password: l.password, channels });
  page.app.touch('network', net);
}

export async function reconnect(page, net) {
  if (!page.client || page.client.state.name === 'closed') {
    try { await ensureClient(page); } catch (e) { info(page.app, net.server, t('connect.refused', { reason: e.message }), 'problem'); return; }
  }
  const channels = [...net.convs.values()].filter(c => c.type === 'channel' && c.wanted).map(c => c.name);
  info(page.app, net.server, t('network.reconnecting', { network: net.name }));
  connectNetwork(page, net, channels.length ? channels : (net.login ? net.login.channels : []));
}

/**
 * A reload (or a return to this tab's page): continue the session this tab had, whose networks
 * and channels live on in Halley for limits.linger. The push client replays what the server
 * still holds from the start; when it holds less, the networks say again where they stand.
 * False when the session has ended meanwhile.
 */
export async function resumeSession(page, stored) {
  const { app } = page;
  for (const s of stored.networks) {
    const known = app.info.find(n => n.name === s.network);
    if (!known) continue;
    const net = addNetwork(page, s.network, known);
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
    if (!(await ensureClient(page, { resume: stored.session }))) { app.networks.clear(); return false; }
  } catch (e) {
    app.networks.clear();
    return false;
  }
  page.showChat();
  return true;
}

/** After /quit left the last network the person wanted: the session ends now, not after linger. */
export function endSessionIfIdle(page) {
  if ([...page.app.networks.values()].some(n => n.wanted) || !page.client) return;
  forgetSession();
  page.client.stop();
}
