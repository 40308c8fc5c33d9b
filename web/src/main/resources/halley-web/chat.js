// The chat page. Network text only ever reaches the page through textContent: never as HTML.
import { HalleyClient } from './halley.js';

const $ = id => document.getElementById(id);
const params = new URLSearchParams(location.search);
const state = {
  client: null,
  network: null,
  nick: '',
  conversations: new Map(), // key -> {name, messages: [], unread: 0, topic: ''}
  current: null,
};

init();

async function init() {
  const res = await fetch('/api/networks');
  const { networks } = await res.json();
  for (const n of networks) {
    const o = document.createElement('option');
    o.value = n.name;
    o.textContent = `${n.name} (${n.kind})`;
    $('network').append(o);
  }
  const chosen = networks.find(n => n.name === params.get('network')) || networks[0];
  if (chosen) {
    $('network').value = chosen.name;
    $('channels').value = params.get('channels') || chosen.channels.join(', ');
  }
  $('nick').value = params.get('nick') || '';
  $('connect-form').addEventListener('submit', e => { e.preventDefault(); connect(); });
  $('input-form').addEventListener('submit', e => { e.preventDefault(); submitInput(); });
}

async function connect() {
  state.network = $('network').value;
  const channels = $('channels').value.split(/[\s,]+/).filter(Boolean);
  state.client = new HalleyClient({
    transports: params.get('transport') ? [params.get('transport')] : undefined,
    onEvent: onEvent,
    onState: s => { $('status').textContent = describeState(s); },
    onReset: () => info(serverKey(), 'Some events were missed while reconnecting.'),
    onClosed: reason => info(serverKey(), `Session ended (${reason}).`),
  });
  window.halleyClient = state.client; // for tests and the console: the page's own session
  $('connect-button').disabled = true;
  try {
    await state.client.start();
  } catch (e) {
    $('connect-error').textContent = e.message;
    $('connect-button').disabled = false;
    return;
  }
  state.client.send({ op: 'connect', network: state.network, nick: $('nick').value.trim(), channels });
  $('connect-screen').hidden = true;
  $('chat-screen').hidden = false;
  select(serverKey());
  $('input').focus();
}

function describeState(s) {
  if (s.name === 'live') return `live (${s.transport})`;
  if (s.name === 'reconnecting' && s.retryAt) return `reconnecting in ${Math.max(0, Math.round((s.retryAt - Date.now()) / 1000))} s`;
  return s.name;
}

const serverKey = () => `${state.network}\u0000`;
const key = (network, name) => `${network}\u0000${name.toLowerCase()}`;

function conversation(k, name) {
  let c = state.conversations.get(k);
  if (!c) {
    c = { key: k, name: name || state.network, items: [], unread: 0, topic: '' };
    state.conversations.set(k, c);
    renderList();
  }
  return c;
}

function onEvent(e) {
  switch (e.type) {
    case 'connecting': info(serverKey(), e.ahead > 0 ? `Connecting: ${e.ahead} ahead of you` : `Connecting to ${e.network}…`); break;
    case 'connected': state.nick = e.nick; info(serverKey(), `Connected as ${e.nick}`); break;
    case 'disconnected': info(serverKey(), `Disconnected: ${e.reason}`); break;
    case 'message': add(key(e.network, e.conversation), e.conversation, { time: e.time, from: e.from, text: e.text, kind: e.kind, self: e.self }); break;
    case 'joined':
      if (e.self) select(key(e.network, e.channel), e.channel);
      info(key(e.network, e.channel), `${e.nick} joined`, e.channel);
      break;
    case 'parted': info(key(e.network, e.channel), `${e.nick} left${e.reason ? ` (${e.reason})` : ''}`, e.channel); break;
    case 'kicked': info(key(e.network, e.channel), `${e.nick} was kicked by ${e.by}${e.reason ? ` (${e.reason})` : ''}`, e.channel); break;
    case 'quit': info(serverKey(), `${e.nick} quit${e.reason ? ` (${e.reason})` : ''}`); break;
    case 'nick': if (e.self) state.nick = e.newNick; info(serverKey(), `${e.oldNick} is now ${e.newNick}`); break;
    case 'topic': { const c = conversation(key(e.network, e.channel), e.channel); c.topic = e.topic; if (state.current === c.key) $('topic').textContent = e.topic; break; }
    case 'members': break;
    case 'server-text': info(serverKey(), e.text); break;
    case 'problem': problem(e.conversation ? key(e.network, e.conversation) : state.current || serverKey(), e); break;
  }
}

function add(k, name, item) {
  const c = conversation(k, name);
  c.items.push(item);
  if (state.current === k) renderItem(item);
  else { c.unread++; renderList(); }
}

function info(k, text, name) { add(k, name, { time: new Date().toISOString(), text, kind: 'info' }); }
function problem(k, e) { add(k, null, { time: e.time, text: e.field ? `${e.field}: ${e.message}` : e.message, kind: 'problem' }); }

function select(k, name) {
  const c = conversation(k, name);
  state.current = k;
  c.unread = 0;
  $('title').textContent = c.name;
  $('topic').textContent = c.topic;
  $('messages').replaceChildren();
  c.items.forEach(renderItem);
  renderList();
}

function renderList() {
  const ul = $('conversations');
  ul.replaceChildren();
  for (const c of state.conversations.values()) {
    const li = document.createElement('li');
    li.textContent = c.name;
    li.dataset.key = c.key;
    if (c.key === state.current) li.className = 'active';
    if (c.unread) { const u = document.createElement('span'); u.className = 'unread'; u.textContent = c.unread; li.append(u); }
    li.addEventListener('click', () => select(c.key));
    ul.append(li);
  }
}

function renderItem(item) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const li = document.createElement('li');
  li.className = `msg ${item.kind}`;
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = new Date(item.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  li.append(time);
  if (item.from) {
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = item.kind === 'action' ? `* ${item.from}` : item.from;
    li.dataset.from = item.from;
    li.append(from);
  }
  const text = document.createElement('span');
  text.className = item.kind === 'info' ? 'text info' : 'text';
  text.textContent = item.text;
  li.append(text);
  list.append(li);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function submitInput() {
  const input = $('input');
  const value = input.value;
  input.value = '';
  for (const line of value.split(/\r\n|\r|\n/)) {
    if (line.trim()) command(line);
  }
}

function command(line) {
  const c = state.conversations.get(state.current);
  const target = c && c.key !== serverKey() ? c.name : null;
  const network = state.network;
  const send = op => state.client.send({ network, ...op });
  if (!line.startsWith('/') || line.startsWith('//')) {
    if (!target) { info(serverKey(), 'Join a channel first: /join #channel'); return; }
    send({ op: 'say', target, text: line.startsWith('//') ? line.slice(1) : line });
    return;
  }
  const [cmd, ...rest] = line.slice(1).split(' ');
  const arg = rest.join(' ');
  switch (cmd.toLowerCase()) {
    case 'join': send({ op: 'join', channel: rest[0] || '', key: rest[1] || '' }); break;
    case 'part': send({ op: 'part', channel: target || '', reason: arg }); break;
    case 'me': send({ op: 'act', target: target || '', text: arg }); break;
    case 'msg': send({ op: 'say', target: rest[0] || '', text: rest.slice(1).join(' ') }); break;
    case 'nick': send({ op: 'nick', nick: arg }); break;
    case 'topic': send({ op: 'topic', channel: target || '', topic: arg }); break;
    case 'quit': send({ op: 'quit', reason: arg }); break;
    default: info(state.current || serverKey(), `Unknown command /${cmd}`);
  }
}
