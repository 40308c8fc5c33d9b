import { test, eq, ok } from './harness.js';
import { createApp, folder, Network, addItem, status, clearItems } from '/halley-web/state.js';

const app = (o = {}) => createApp(o);

test('rfc1459 folding treats []\\~ as the upper case of {}|^, ascii only letters, none nothing', () => {
  eq(folder('rfc1459')('Nick[A]\\~'), 'nick{a}|^');
  eq(folder('strict-rfc1459')('Nick[~]'), 'nick{~}');
  eq(folder('ascii')('Nick[~]'), 'nick[~]');
  eq(folder('none')('Room@Muc'), 'Room@Muc');
});

test('an XMPP network compares names as they are, an IRC network by rfc1459 until told otherwise', () => {
  const x = new Network('x', { kind: 'xmpp' });
  ok(!x.same('Alice', 'alice'), 'xmpp: Alice and alice differ');
  const i = new Network('i', { kind: 'irc' });
  ok(i.same('a[b]', 'A{B}'), 'irc: a[b] is A{B}');
});

test('a new case-mapping files conversations and members again under the new folding', () => {
  const net = new Network('i', { kind: 'irc' });
  const c = net.conv('#Chan[1]', 'channel');
  c.members.set(net.fold('Bob[x]'), { nick: 'Bob[x]' });
  net.setCasemapping('ascii');
  eq(net.find('#chan[1]') === c, true, 'found by ascii folding');
  eq(net.find('#chan{1}'), undefined, 'no more rfc1459 folding');
  ok(c.members.has('bob[x]'), 'member filed under ascii folding');
});

test('items get growing ids and beyond the scrollback the oldest go and are counted', () => {
  const a = app({ scrollback: 3 });
  const c = new Network('n').conv('#c', 'channel');
  for (let i = 1; i <= 5; i++) addItem(a, c, { t: 'msg', kind: 'message', from: 'x', text: `l${i}` });
  eq(c.items.map(i => i.text), ['l3', 'l4', 'l5']);
  eq(c.items.map(i => i.id), [3, 4, 5]);
  eq(c.dropped, 2);
  eq(c.indexOf(4), 1);
  eq(c.indexOf(1), -1);
});

test('joins, parts, quits and nick changes that follow each other fold into one group, changed in place', () => {
  const a = app();
  const c = new Network('n').conv('#c', 'channel');
  addItem(a, c, { t: 'msg', kind: 'message', from: 'x', text: 'hi' });
  status(a, c, { ev: 'join', nick: 'a' });
  const g = status(a, c, { ev: 'join', nick: 'b' });
  status(a, c, { ev: 'quit', nick: 'c' });
  eq(c.items.length, 2);
  eq(g.t, 'group');
  eq(g.items.map(s => s.nick), ['a', 'b', 'c']);
  eq(g.id, 2, 'the group keeps the first status line\'s id');
  eq(g.rev, 2, 'changed twice since it was made');
  status(a, c, { ev: 'join', self: true, nick: 'me' });
  eq(c.items.length, 3, 'the person\'s own join is never folded');
});

test('lines count as unread only when the person is not looking, and the first unread is remembered', () => {
  const touched = [];
  const a = app({ touch: p => touched.push(p) });
  const net = new Network('n');
  const c = net.conv('#c', 'channel');
  a.chatShown = true;
  a.current = net.server;
  const first = addItem(a, c, { t: 'msg', kind: 'message', from: 'x', text: 'one' });
  addItem(a, c, { t: 'msg', kind: 'message', from: 'x', text: 'two', mention: true });
  eq([c.unread, c.mentions, c.firstUnread], [2, 1, first.id]);
  a.current = c;
  addItem(a, c, { t: 'msg', kind: 'message', from: 'x', text: 'three' });
  eq(c.unread, 2, 'seen while looking');
  ok(touched.includes('sidebar'), 'the side list was told');
});

test('/clear empties a conversation and starts a new epoch for the view', () => {
  const a = app();
  const c = new Network('n').conv('#c', 'channel');
  addItem(a, c, { t: 'msg', kind: 'message', from: 'x', text: 'a' });
  clearItems(a, c);
  eq([c.items.length, c.epoch], [0, 1]);
});
