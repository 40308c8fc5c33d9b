import { test, eq, ok } from './harness.js';
import { createApp } from '/halley-web/state.js';
import { handleEvent, HANDLERS } from '/halley-web/events/index.js';

/** A page without DOM: what the handlers ask of it is recorded. */
function page() {
  const calls = [];
  const record = name => (...args) => calls.push([name, ...args]);
  const ui = {
    select: record('select'), showNetwork: record('showNetwork'), alert: record('alert'), connectWaiting: () => false,
    connectProgress: record('progress'), connectError: record('error'), connectFailed: record('failed'), pump: record('pump'),
    saveSession: () => {}, reconnect: record('reconnect'), joinChannel: record('join'), endSessionIfIdle: record('end'),
    problemWithoutNetwork: record('problemWithoutNetwork'),
  };
  const app = createApp();
  app.info = [{ name: 'irc', kind: 'irc' }, { name: 'xmpp', kind: 'xmpp', mucService: 'rooms.example' }];
  app.chatShown = true;
  const on = e => handleEvent(app, { network: 'irc', time: '2026-01-01T12:00:00Z', ...e }, ui);
  return { app, ui, calls, on, net: () => app.networks.get('irc') };
}

const texts = c => c.items.filter(i => i.t === 'msg').map(i => i.text);

test('every event type of docs/protocol.md has a handler', () => {
  for (const type of ['connecting', 'connected', 'disconnected', 'message', 'joined', 'parted', 'kicked', 'banned', 'quit', 'nick',
    'topic', 'members', 'member', 'mode', 'invited', 'presence', 'account', 'roster', 'whois', 'server-text', 'problem']) {
    ok(typeof HANDLERS[type] === 'function', type);
  }
});

test('connected takes the network\'s case-mapping and names fold by it', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me', casemapping: 'ascii' });
  const net = p.net();
  eq([net.status, net.nick, net.casemapping], ['connected', 'me', 'ascii']);
  p.on({ type: 'joined', channel: '#a[1]', nick: 'me', self: true });
  p.on({ type: 'joined', channel: '#A{1}', nick: 'me', self: true });
  eq([...net.convs.keys()], ['#a[1]', '#a{1}'], 'ascii: [ and { are different channels');
});

test('an XMPP network folds nothing: two nicks differing in case are two members', () => {
  const p = page();
  const on = e => handleEvent(p.app, { network: 'xmpp', ...e }, p.ui);
  on({ type: 'connected', nick: 'me@example', casemapping: 'none' });
  on({ type: 'joined', channel: 'r@rooms.example', nick: 'me', self: true });
  on({ type: 'joined', channel: 'r@rooms.example', nick: 'Bob' });
  on({ type: 'joined', channel: 'r@rooms.example', nick: 'bob' });
  eq(p.app.networks.get('xmpp').find('r@rooms.example').members.size, 2);
});

test('a join of the person selects the channel and lets waiting lines go; others become members', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me', casemapping: 'rfc1459' });
  p.on({ type: 'joined', channel: '#c', nick: 'me', self: true });
  const c = p.net().find('#c');
  ok(c.joined, 'joined');
  ok(p.calls.some(x => x[0] === 'select' && x[1] === c), 'selected');
  ok(p.calls.some(x => x[0] === 'pump'), 'outbox pumped');
  p.on({ type: 'joined', channel: '#c', nick: 'Al[1]' });
  ok(c.members.has('al{1}'), 'member under its folded nick');
});

test('messages keep their order, and the person\'s echoed line settles its pending copy', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'joined', channel: '#c', nick: 'me', self: true });
  const c = p.net().find('#c');
  c.pending.push({ kind: 'message', text: 'mine', cseq: 3 });
  for (let i = 0; i < 50; i++) p.on({ type: 'message', conversation: '#c', from: `u${i % 5}`, text: `line ${i}`, kind: 'message' });
  p.on({ type: 'message', conversation: '#c', from: 'me', text: 'mine', kind: 'message', self: true });
  eq(texts(c).length, 51);
  eq(texts(c)[0], 'line 0');
  eq(texts(c)[49], 'line 49');
  eq(c.pending.length, 0, 'pending settled');
  eq(c.recent[0], 'u4', 'the latest speaker first for completion');
});

test('a mention alerts; a replayed one does not', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'message', conversation: '#c', from: 'x', text: 'hey me!', kind: 'message' });
  eq(p.calls.filter(x => x[0] === 'alert').length, 1);
  p.app.replaying = true;
  p.on({ type: 'message', conversation: '#c', from: 'x', text: 'me again', kind: 'message' });
  eq(p.calls.filter(x => x[0] === 'alert').length, 1);
});

test('ranks come from member events only: a mode line is shown and changes no rank', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'members', channel: '#c', members: [{ nick: 'bob', prefix: '' }] });
  p.on({ type: 'mode', target: '#c', by: 'op', modes: '+o bob' });
  const c = p.net().find('#c');
  eq(c.members.get('bob').modes, '', 'the mode string is not parsed');
  p.on({ type: 'member', channel: '#c', member: { nick: 'bob', prefix: '@', role: 'op' } });
  eq(c.members.get('bob').modes, '@');
  eq(c.items[c.items.length - 1].ev, 'mode');
});

test('a quit shows in each channel the person was in and leaves the member lists', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'members', channel: '#a', members: [{ nick: 'bob' }] });
  p.on({ type: 'members', channel: '#b', members: [{ nick: 'bob' }] });
  p.on({ type: 'members', channel: '#c', members: [{ nick: 'eve' }] });
  p.on({ type: 'quit', nick: 'Bob', reason: 'bye' });
  const net = p.net();
  eq(['#a', '#b', '#c'].map(n => net.find(n).items.length), [1, 1, 0]);
  eq(net.find('#a').members.size, 0);
});

test('a nick change renames the member and a private conversation with them', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'members', channel: '#a', members: [{ nick: 'bob' }] });
  p.on({ type: 'message', conversation: 'bob', from: 'bob', text: 'psst', kind: 'message' });
  p.on({ type: 'nick', oldNick: 'bob', newNick: 'robert' });
  const net = p.net();
  ok(net.find('#a').members.has('robert'), 'member renamed');
  eq(net.find('robert') && net.find('robert').type, 'query');
  eq(net.find('bob'), undefined);
});

test('the person\'s own nick change is the network\'s nick', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'nick', oldNick: 'me', newNick: 'me2', self: true });
  eq(p.net().nick, 'me2');
});

test('a topic with a join is shown as the topic, a later one as a change', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'joined', channel: '#c', nick: 'me', self: true });
  p.on({ type: 'topic', channel: '#c', topic: 'first', setBy: 'x' });
  p.on({ type: 'members', channel: '#c', members: [] });
  p.on({ type: 'topic', channel: '#c', topic: 'second', setBy: 'y' });
  const items = p.net().find('#c').items;
  ok(items.some(i => i.t === 'info' && i.topic && i.topic.text === 'first'), 'initial topic line');
  ok(items.some(i => i.t === 'status' && i.ev === 'topic' && i.text === 'second'), 'change line');
});

test('a disconnection without retry offers to reconnect; the network\'s channels are left', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'joined', channel: '#c', nick: 'me', self: true });
  p.on({ type: 'disconnected', reason: 'gone', retryIn: 0 });
  const net = p.net();
  eq(net.status, 'disconnected');
  ok(!net.find('#c').joined, 'left');
  const last = net.server.items[net.server.items.length - 1];
  ok(last.action && typeof last.action.run === 'function', 'a reconnect action');
  eq(last.text, { key: 'network.disconnected', args: { reason: { key: 'disconnect.serverSaid', args: { reason: 'Disconnected', text: 'gone' } }, seconds: 0 } },
    'said with the network\'s words as a value (rendered isolated)');
});

test('a problem is shown where it belongs', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me' });
  p.on({ type: 'message', conversation: '#c', from: 'x', text: 'a', kind: 'message' });
  p.on({ type: 'problem', code: 'cannot-send', conversation: '#c', message: 'moderated' });
  const items = p.net().find('#c').items;
  eq(items[items.length - 1].level, 'problem');
});

test('an event for no network and unknown events change nothing', () => {
  const p = page();
  handleEvent(p.app, { type: 'problem', code: 'x' }, p.ui);
  handleEvent(p.app, { network: 'irc', type: 'something-new' }, p.ui);
  handleEvent(p.app, null, p.ui);
  eq(p.calls.map(c => c[0]), ['problemWithoutNetwork']);
});

test('disconnected says why in the catalogue\'s words from its code, never raw text alone', () => {
  const p = page();
  p.on({ type: 'connected', nick: 'me', casemapping: 'rfc1459' });
  p.on({ type: 'disconnected', code: 'connection-lost', reason: '', retryIn: 2000 });
  const net = p.net();
  eq(net.status, 'reconnecting');
  const last = net.server.items[net.server.items.length - 1];
  const said = JSON.stringify(last);
  ok(said.includes('The connection to the network was lost') || said.includes('disconnect.connection-lost'), said);
  p.on({ type: 'disconnected', code: 'no-such-code', reason: 'Closing Link', retryIn: 0 });
  const end = JSON.stringify(net.server.items[net.server.items.length - 1]);
  ok(end.includes('Closing Link'), end);
  ok(!end.includes('no-such-code'), 'an unknown code falls back to the catalogue\'s "other": ' + end);
});

test('an XMPP account\'s own address counts as the person in one-to-one chats', () => {
  const p = page();
  const on = e => p.on({ network: 'xmpp', ...e });
  on({ type: 'connected', nick: 'Alice', address: 'alice@example', casemapping: 'none' });
  const net = p.app.networks.get('xmpp');
  eq([net.nick, net.address], ['Alice', 'alice@example']);
  on({ type: 'message', conversation: 'bob@example', from: 'alice@example', text: 'from another device', kind: 'message' });
  const c = [...net.convs.values()].find(x => x.name === 'bob@example');
  ok(c && c.items.some(i => i.t === 'msg' && i.self), 'own line is marked self');
});
