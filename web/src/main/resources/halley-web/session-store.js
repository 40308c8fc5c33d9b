// What the page keeps in the browser: the nick last used per network (localStorage), and this
// tab's push session for a reload (sessionStorage: one tab's, gone with the tab, never sent
// anywhere, never the password).

const SESSION_KEY = 'halley.session';

export function readStorage(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

export function writeStorage(key, value) {
  try { localStorage.setItem(key, value); } catch { /* blocked (private mode, third-party iframe) */ }
}

/** Saves the push session (id, token) and each wanted network's nick and channels. */
export function saveSession(app, client) {
  if (!client || !client.session || client.prebound || client.state.name === 'closed') return;
  const networks = [...app.networks.values()].filter(n => n.wanted).map(n => {
    const l = n.login || { nick: '', account: '', channels: [] };
    const channels = [...n.convs.values()].filter(x => x.type === 'channel' && x.wanted).map(x => x.name);
    return { network: n.name, nick: n.kind === 'irc' && n.nick ? n.nick : l.nick || '', account: l.account || '', channels: channels.length ? channels : l.channels || [] };
  });
  const current = app.current ? { network: app.current.network.name, name: app.current.name } : null;
  const { session, token, heartbeat } = client.session;
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ v: 1, session: { session, token, heartbeat }, networks, current }));
  } catch { /* storage blocked: a reload starts afresh */ }
}

/** The stored session, if well-formed; anything else is dropped. */
export function readSession() {
  let v;
  try { v = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null'); } catch { v = null; }
  const str = x => typeof x === 'string';
  const ok = v && v.v === 1 && v.session && str(v.session.session) && str(v.session.token) && Array.isArray(v.networks)
    && v.networks.every(n => n && str(n.network) && str(n.nick) && str(n.account) && Array.isArray(n.channels) && n.channels.every(str));
  if (!ok) { forgetSession(); return null; }
  return v;
}

export function forgetSession() {
  try { sessionStorage.removeItem(SESSION_KEY); } catch { /* blocked */ }
}
