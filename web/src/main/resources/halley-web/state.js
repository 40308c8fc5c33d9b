// The page's model: networks, conversations, their items, members and unread counts, and the pure
// functions that change them. No DOM here: views read this state once per animation frame (see
// render-loop.js) and event handlers (events/*.js) only update it and say what changed.

/** Items a conversation keeps; older ones are dropped, and the conversation says how many. */
export const SCROLLBACK = 5000;
const CONDENSED = new Set(['join', 'part', 'quit', 'nick']);

/**
 * How a network compares names, from the case-mapping its `connected` event reports (IRC's
 * CASEMAPPING; XMPP has none: its addresses and room nicknames are compared as they are).
 */
export function folder(casemapping) {
  switch ((casemapping || '').toLowerCase()) {
    case 'ascii': return s => s.replace(/[A-Z]+/g, c => c.toLowerCase());
    case 'strict-rfc1459': return s => s.replace(/[A-Z[\]\\]/g, c => STRICT[c] || c.toLowerCase());
    case 'rfc1459': return s => s.replace(/[A-Z[\]\\~]/g, c => RFC1459[c] || c.toLowerCase());
    case 'rfc7613': case 'precis': return s => s.toLowerCase();
    default: return s => s; // 'none' (XMPP)
  }
}
const STRICT = { '[': '{', ']': '}', '\\': '|' };
const RFC1459 = { ...STRICT, '~': '^' };

/** The page's whole state. `touch` is how state says what changed; the render loop listens. */
export function createApp(options = {}) {
  return {
    info: [],               // /api/networks
    networks: new Map(),    // name -> Network
    current: null,          // Conv on screen
    chatShown: false,
    visible: true,          // the page is shown (document not hidden)
    replaying: false,       // the event handled now was sent before this page existed
    link: { name: 'idle', transport: null, retryAt: 0 },
    scrollback: options.scrollback || SCROLLBACK,
    touch: options.touch || (() => {}), // (part, conv?) => void
  };
}

export class Network {
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
    this.casemapping = this.kind === 'irc' ? 'rfc1459' : 'none'; // until `connected` says
    this.fold = folder(this.casemapping);
    this.convs = new Map();  // folded name -> Conv
    this.roster = new Map(); // folded address -> contact
    this.server = new Conv(this, name, 'server');
  }

  /** The network's case-mapping changed: every name is filed again under its new folding. */
  setCasemapping(casemapping) {
    if (!casemapping || casemapping === this.casemapping) return;
    this.casemapping = casemapping;
    this.fold = folder(casemapping);
    this.convs = new Map([...this.convs.values()].map(c => [this.fold(c.name), c]));
    this.roster = new Map([...this.roster.values()].map(x => [this.fold(x.address), x]));
    for (const c of this.convs.values()) c.members = new Map([...c.members.values()].map(m => [this.fold(m.nick), m]));
  }

  isChannel(name) {
    if (this.kind === 'irc') return /^[#&!+]/.test(name);
    const c = this.convs.get(this.fold(name));
    if (c) return c.type === 'channel';
    return !!this.info.mucService && name.toLowerCase().endsWith(`@${this.info.mucService.toLowerCase()}`);
  }

  /** The conversation named so, made if new. */
  conv(name, type) {
    const key = this.fold(name);
    let c = this.convs.get(key);
    if (!c) {
      c = new Conv(this, name, type || (this.isChannel(name) ? 'channel' : 'query'));
      this.convs.set(key, c);
      this.added = true;
    }
    return c;
  }

  find(name) {
    return this.convs.get(this.fold(name));
  }

  same(a, b) {
    return !!a && !!b && this.fold(a) === this.fold(b);
  }
}

export class Conv {
  constructor(network, name, type) {
    this.network = network;
    this.name = name;
    this.type = type;       // server | channel | query
    this.items = [];        // oldest first; each has a unique, growing id
    this.nextId = 1;
    this.dropped = 0;       // items dropped from the front (SCROLLBACK)
    this.epoch = 0;         // grows when items are replaced wholesale (/clear)
    this.pending = [];      // lines the person sent that the network has not echoed yet
    this.unread = 0;
    this.mentions = 0;
    this.firstUnread = 0;   // id of the first unread item, 0: none
    this.topic = null;      // {text, setBy, setAt}
    this.members = new Map(); // folded nick -> {nick, modes, role, affiliation, away}
    this.joined = false;
    this.wanted = false;    // joined once: rejoin after a reconnect
    this.atBottom = true;   // the view follows new lines
    this.recent = [];       // nicks that spoke lately, newest first (for completion)
  }

  /** Index in items of the item with this id, or -1. Ids are contiguous within items. */
  indexOf(id) {
    if (!this.items.length) return -1;
    const i = id - this.items[0].id;
    return i >= 0 && i < this.items.length && this.items[i].id === id ? i : -1;
  }
}

/** The person's own nick in conversation c (an XMPP room may know them by another name). */
export const myNick = (net, c) => (c && c.myNick) || net.nick;
// On XMPP a one-to-one message's `from` is the person's bare address, not a room nickname.
export const isMe = (net, nick, c) => !!nick && (net.same(nick, myNick(net, c)) || (!!net.address && net.same(nick, net.address)));

export function member(m) {
  return { nick: m.nick, modes: m.prefix || '', role: m.role || '', affiliation: m.affiliation || '', away: false };
}

/** A line from the page itself: text is a string or {key, args} (args: strings, or {nick}). */
export function info(app, c, text, level = 'info', time = new Date(), action = null) {
  return addItem(app, c, { t: 'info', level, text, action, time });
}

export function status(app, c, s, time) {
  return addItem(app, c, { t: 'status', channel: c.name, ...s, time });
}

const dayOf = d => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;

/**
 * Adds an item to a conversation: joins, parts, quits and nick changes that follow each other
 * fold into one group (the last item, changed in place: its `rev` grows). Beyond the scrollback
 * the oldest items go, counted in `dropped`. Counts unread lines when the person is not looking.
 */
export function addItem(app, c, item) {
  if (!(item.time instanceof Date) || isNaN(item.time)) item.time = new Date();
  const last = c.items[c.items.length - 1];
  if (item.t === 'status' && CONDENSED.has(item.ev) && !item.self && last && dayOf(last.time) === dayOf(item.time)) {
    if (last.t === 'group') {
      last.items.push(item);
      last.rev++;
      app.touch('messages', c);
      return last;
    }
    if (last.t === 'status' && CONDENSED.has(last.ev) && !last.self) {
      const group = { t: 'group', id: last.id, rev: 1, time: last.time, items: [last, item], open: false };
      c.items[c.items.length - 1] = group;
      app.touch('messages', c);
      return group;
    }
  }
  item.id = c.nextId++;
  item.rev = 0;
  c.items.push(item);
  if (c.items.length > app.scrollback) {
    const n = c.items.length - app.scrollback;
    c.items.splice(0, n);
    c.dropped += n;
  }
  const counts = item.t === 'msg' && !item.self && !item.history && !app.replaying;
  const looking = app.current === c && app.visible && app.chatShown;
  if (counts && !looking) {
    if (c.unread === 0) c.firstUnread = item.id;
    c.unread++;
    if (item.mention) c.mentions++;
    app.touch('sidebar', c);
    app.touch('title', c);
  }
  app.touch('messages', c);
  return item;
}

/** Forgets what a conversation shows (/clear). */
export function clearItems(app, c) {
  c.items = [];
  c.dropped = 0;
  c.epoch++;
  app.touch('messages', c);
}

export function markRead(app, c) {
  if (!c.unread && !c.mentions) return;
  if (!app.visible) return;
  c.unread = 0;
  c.mentions = 0;
  app.touch('sidebar', c);
  app.touch('title', c);
}

/** Whether own's nick is named in text (a whole word, as IRC nicks are written). */
export function mentions(own, plain) {
  if (!own) return false;
  const nick = own.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_\\-\\[\\]\\\\\`^{|}])${nick}($|[^\\p{L}\\p{N}_\\-\\[\\]\\\\\`^{|}])`, 'iu').test(plain);
}

/** Connected, or on the way there (Halley retrying by itself counts): Disconnect, not Reconnect. */
export const online = net => ['connected', 'connecting', 'reconnecting'].includes(net.status);

export function* allConvs(app) {
  for (const net of app.networks.values()) { yield net.server; yield* net.convs.values(); }
}

export const totalMentions = app => [...allConvs(app)].reduce((n, c) => n + c.mentions, 0);

/** How a conversation is named in the side list: an XMPP room or contact of this service by its local part. */
export function shortName(c) {
  const net = c.network;
  if (net.kind !== 'xmpp' || c.type === 'server') return c.name;
  const at = c.name.indexOf('@');
  const domain = c.name.slice(at + 1).toLowerCase();
  const local = at > 0 ? c.name.slice(0, at) : c.name;
  const own = [net.info.mucService, net.info.domain].filter(Boolean).map(d => d.toLowerCase());
  return at > 0 && !c.name.includes('/') && own.includes(domain) ? local : c.name;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });
export const byName = (a, b) => collator.compare(a.name, b.name);

/** Every conversation in side-list order (for Alt+digit and Alt+arrows). */
export function convsInOrder(app) {
  return [...app.networks.values()].flatMap(n => [n.server,
    ...[...n.convs.values()].filter(c => c.type === 'channel').sort(byName),
    ...[...n.convs.values()].filter(c => c.type === 'query').sort(byName)]);
}
