import { test, eq, ok } from './harness.js';
import { createApp, Network } from '/halley-web/state.js';
import { Outbox, BURST } from '/halley-web/outbox.js';

function setup() {
  const app = createApp();
  app.link = { name: 'live' };
  const net = new Network('n');
  net.status = 'connected';
  app.networks.set('n', net);
  const c = net.conv('#c', 'channel');
  c.joined = true;
  const sent = [];
  const outbox = new Outbox(app, (n, op) => { sent.push(op.text); return sent.length; }, () => []);
  return { app, net, c, sent, outbox };
}

test('lines go at once up to the burst, then wait for the pace', () => {
  const s = setup();
  for (let i = 0; i < BURST + 3; i++) s.outbox.add(s.c, 'message', `l${i}`);
  eq(s.sent.length, BURST);
  eq(s.c.pending.length, BURST + 3, 'all shown as pending');
  eq(s.outbox.waiting(s.c), 3);
  clearTimeout(s.outbox.timer);
});

test('a line for a channel not joined waits; others pass it', () => {
  const s = setup();
  const d = s.net.conv('#d', 'channel');
  s.outbox.add(d, 'message', 'waits');
  s.outbox.add(s.c, 'message', 'goes');
  eq(s.sent, ['goes']);
  d.joined = true;
  s.outbox.pump();
  eq(s.sent, ['goes', 'waits']);
});

test('stopping a paste drops what has not gone', () => {
  const s = setup();
  for (let i = 0; i < BURST + 2; i++) s.outbox.add(s.c, 'message', `l${i}`);
  s.outbox.stop(s.c);
  eq([s.outbox.waiting(s.c), s.c.pending.length], [0, BURST]);
  clearTimeout(s.outbox.timer);
});

test('lines sent but never acknowledged go again, in order, on a new session', () => {
  const s = setup();
  s.app.link = { name: 'reconnecting' };
  s.outbox.add(s.c, 'message', 'a');
  s.app.link = { name: 'live' };
  s.outbox.pump();
  s.outbox.add(s.c, 'message', 'b');
  s.outbox.queue = [];
  s.outbox.resend();
  eq(s.outbox.queue.map(p => p.text), ['a', 'b']);
  ok(s.outbox.queue.every(p => p.cseq === null), 'numbered again when sent');
});
