// What the person sends: lines shown as pending at once, handed to the push client when the link
// and the conversation allow, paced (a burst, then a steady rate) so a paste never floods the
// network; settled when the network echoes them, or marked failed when it never does.
import { addItem, allConvs, myNick } from './state.js';

export const BURST = 5, RATE = 2;    // lines sent at once, then lines per second: never a flood
const ECHO_WAIT_MS = 8000;           // an acknowledged line the network never echoed

/** Not thread-safe (there are none): owned by the page. */
export class Outbox {
  /**
   * @param app the page's state
   * @param {(net, op) => number|null} send hands an op to the push client, returns its cseq
   * @param {() => number[]} unacknowledged the push client's cseqs not yet acknowledged
   */
  constructor(app, send, unacknowledged) {
    this.app = app;
    this.send = send;
    this.unacknowledged = unacknowledged;
    this.queue = [];        // lines not yet handed to the push client, in order
    this.tokens = BURST;
    this.refilled = performance.now();
    this.timer = 0;
    this.seq = 0;
  }

  /** A line the person typed: pending at once, sent when it may be. */
  add(c, kind, text) {
    const p = { t: 'msg', kind, text, from: myNick(c.network, c), self: true, pending: true, time: new Date(), conv: c, cseq: null, acked: false, seq: ++this.seq };
    c.pending.push(p);
    this.queue.push(p);
    this.app.touch('pending', c);
    this.pump();
    return p;
  }

  canSend(p) {
    const c = p.conv, net = c.network;
    return this.app.link.name === 'live' && net.status === 'connected' && (c.type !== 'channel' || c.joined);
  }

  /** Sends what may go now; comes back when the pace allows more. */
  pump() {
    clearTimeout(this.timer);
    const now = performance.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.refilled) / 1000) * RATE);
    this.refilled = now;
    const blocked = new Set();
    for (let i = 0; i < this.queue.length;) {
      const p = this.queue[i];
      if (blocked.has(p.conv) || !this.canSend(p)) { blocked.add(p.conv); i++; continue; }
      if (this.tokens < 1) { this.timer = setTimeout(() => this.pump(), Math.ceil(((1 - this.tokens) / RATE) * 1000)); break; }
      this.tokens -= 1;
      this.queue.splice(i, 1);
      p.cseq = this.send(p.conv.network, { op: p.kind === 'action' ? 'act' : 'say', target: p.conv.name, text: p.text });
      this.app.touch('pending', p.conv);
    }
    this.app.touch('banner');
  }

  /** Lines of conversation c still waiting for their turn. */
  waiting(c) {
    return this.queue.filter(p => p.conv === c).length;
  }

  /** Drops what c has not sent yet (the person stopped a paste, or closed c). */
  stop(c) {
    const stopped = new Set(this.queue.filter(p => p.conv === c));
    this.queue = this.queue.filter(p => p.conv !== c);
    c.pending = c.pending.filter(p => !stopped.has(p));
    this.app.touch('pending', c);
  }

  /** A new session: what was sent but never acknowledged goes again, in order. */
  resend() {
    for (const c of allConvs(this.app)) {
      for (const p of c.pending) if (p.cseq !== null && !p.acked) { p.cseq = null; this.queue.push(p); }
    }
    this.queue.sort((a, b) => a.seq - b.seq);
  }

  /** Marks lines the server has acknowledged; settles those the network never echoed. */
  settle() {
    const waiting = new Set(this.unacknowledged());
    const now = Date.now();
    for (const c of allConvs(this.app)) {
      for (const p of [...c.pending]) {
        if (p.cseq === null || p.failed) continue;
        if (!p.acked && !waiting.has(p.cseq)) { p.acked = true; p.ackedAt = now; this.app.touch('pending', c); }
        if (p.acked && now - p.ackedAt > ECHO_WAIT_MS) {
          c.pending.splice(c.pending.indexOf(p), 1);
          p.pending = false;
          p.failed = (c.lastProblemAt || 0) >= p.ackedAt - 500;
          addItem(this.app, c, { t: 'msg', kind: p.kind, from: p.from, text: p.text, self: true, failed: p.failed, time: p.time });
          this.app.touch('pending', c);
        }
      }
    }
  }
}
