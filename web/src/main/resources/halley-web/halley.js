// Halley push client: sessions, transports, resume. No dependencies; an ES module.
// The wire protocol is specified in docs/protocol.md.
//
//   const client = new HalleyClient({ onEvent: e => ..., onState: s => ... });
//   await client.start();
//   client.send({ op: 'say', network: 'demo', target: '#halley', text: 'hi' });

const MAX_BACKOFF_MS = 30000;

/** One push session and the connection carrying it. */
export class HalleyClient {
  /**
   * @param {object} options
   * @param {string} [options.base] URL of the Halley server ('' for this page's origin)
   * @param {string[]} [options.transports] transports to use, best first (default: all known)
   * @param {(event: any, seq: number) => void} [options.onEvent] each event, once, in order
   * @param {(state: object) => void} [options.onState] connection state changes
   * @param {(info: {lost: boolean}) => void} [options.onReset] events were lost (or the session was
   *     replaced by a new one): the application should rebuild its view
   * @param {(reason: string) => void} [options.onClosed] the session ended for good
   */
  constructor(options = {}) {
    this.base = options.base ?? '';
    this.transports = (options.transports ?? Object.keys(TRANSPORTS)).filter(t => TRANSPORTS[t]);
    this.onEvent = options.onEvent ?? (() => {});
    this.onState = options.onState ?? (() => {});
    this.onReset = options.onReset ?? (() => {});
    this.onClosed = options.onClosed ?? (() => {});
    this.session = null;   // {session, token, heartbeat}
    this.last = 0;         // last event seq delivered
    this.outbox = [];      // [{cseq, data}] not yet acknowledged
    this.nextCseq = 1;
    this.sentUpTo = 0;     // highest cseq written on the current connection
    this.posting = false;  // a POST is in flight (POSTs go one at a time, to keep order)
    this.attempt = 0;      // failed connects in a row
    this.transportIndex = 0;
    this.conn = null;
    this.state = { name: 'idle', transport: null, retryAt: 0 };
    this.timers = {};
  }

  /** Creates a session and connects. */
  async start() {
    this._setState('connecting');
    await this._createSession();
    this._connect();
  }

  /** Queues `data` (any JSON value) for the server; sent in order, exactly once, across reconnects. */
  send(data) {
    const m = { cseq: this.nextCseq++, data };
    this.outbox.push(m);
    this._flushOutbox();
    return m.cseq;
  }

  /** Messages sent but not yet acknowledged by the server (the UI may show them as pending). */
  pending() {
    return this.outbox.map(m => m.cseq);
  }

  /** Ends the session on the server and stops. */
  stop() {
    this._clearTimers();
    if (this.conn) this.conn.close();
    this.conn = null;
    if (this.session) {
      fetch(this._url('/push/close'), { method: 'POST', headers: this._headers(), keepalive: true }).catch(() => {});
    }
    this._setState('closed');
  }

  // ---- internals ----

  async _createSession() {
    for (;;) {
      try {
        const res = await fetch(this.base + '/push/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
        if (res.ok) {
          this.session = await res.json();
          this.last = 0;
          return;
        }
        const err = await res.json().catch(() => ({}));
        if (res.status === 403) throw new Error(err.message || 'refused');
      } catch (e) {
        if (e.message === 'refused') throw e;
      }
      await this._backoff();
    }
  }

  _url(path, params = {}) {
    const q = new URLSearchParams({ session: this.session.session, ...params });
    return `${this.base}${path}?${q}`;
  }

  _headers() {
    return { 'Content-Type': 'application/json', 'X-Halley-Token': this.session.token };
  }

  _connect() {
    const name = this.transports[this.transportIndex % this.transports.length];
    this._setState(this.attempt === 0 ? 'connecting' : 'reconnecting', name);
    this.conn = new TRANSPORTS[name](this);
    this.conn.open();
    this._watch();
  }

  // Called by transports.
  _received(msg) {
    this._watch();
    if (typeof msg.seq === 'number' && 'event' in msg) {
      if (msg.seq <= this.last) return;                 // already delivered (a resend)
      if (msg.seq !== this.last + 1) { this._lost(`gap ${this.last} -> ${msg.seq}`); return; }
      this.last = msg.seq;
      this.onEvent(msg.event, msg.seq);
      return;
    }
    switch (msg.type) {
      case 'hello':
        this.attempt = 0;
        this._acked(msg.ack);
        this.sentUpTo = msg.ack;   // resend whatever the server has not processed
        this._setState('live', this.conn && this.conn.name);
        this._flushOutbox();
        break;
      case 'reset':
        this.last = msg.seq;
        this.onReset({ lost: true });
        break;
      case 'ack':
        this._acked(msg.ack);
        break;
      case 'close':
        this._clearTimers();
        this._setState('closed');
        this.onClosed(msg.reason);
        break;
      case 'hb':
        break;
    }
  }

  /** The transport ended. `code` follows the WebSocket close codes of docs/protocol.md. */
  _ended(conn, code) {
    if (conn !== this.conn) return;
    this.conn = null;
    if (this.state.name === 'closed') return;
    if (code === 4001) { this._setState('closed'); this.onClosed('ended'); return; }
    if (code === 4403) { this._renew(); return; }       // the server does not know this session (restarted, or another node)
    if (this.state.name !== 'live') this.transportIndex++; // never got going: try the next transport
    this.attempt++;
    this._reconnectLater();
  }

  _lost(why) {
    if (this.conn) { const c = this.conn; this.conn = null; c.close(); }
    this.attempt++;
    this._reconnectLater();
  }

  async _renew() {
    this.session = null;
    this.outbox = [];
    this.nextCseq = 1;
    this._setState('reconnecting');
    await this._createSession();
    this.onReset({ lost: true, renewed: true });
    this._connect();
  }

  _reconnectLater() {
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempt, 10)) * (0.5 + Math.random());
    this._setState('reconnecting', null, Date.now() + delay);
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = setTimeout(() => this._connect(), delay);
  }

  _backoff() {
    this.attempt++;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempt, 10)) * (0.5 + Math.random());
    this._setState('reconnecting', null, Date.now() + delay);
    return new Promise(r => setTimeout(r, delay));
  }

  _acked(ack) {
    this.outbox = this.outbox.filter(m => m.cseq > ack);
  }

  /** Sends what is waiting, over the connection if it can carry messages up, else by POST. */
  _flushOutbox() {
    if (this.state.name !== 'live') return;
    const batch = this.outbox.filter(m => m.cseq > this.sentUpTo);
    if (batch.length === 0) return;
    if (this.conn && this.conn.send(batch)) {
      this.sentUpTo = batch[batch.length - 1].cseq;
      return;
    }
    if (this.posting) return;
    this.posting = true;
    fetch(this._url('/push/send'), { method: 'POST', headers: this._headers(), body: JSON.stringify(batch) })
      .then(r => r.ok ? r.json() : Promise.reject(r.status))
      .then(r => { this.posting = false; this._acked(r.ack); this.sentUpTo = Math.max(this.sentUpTo, r.ack); this._flushOutbox(); })
      .catch(() => { this.posting = false; }); // kept in the outbox; resent after the next hello
  }

  /** Takes the connection for dead when the server is silent for 2.5 heartbeats. */
  _watch() {
    clearTimeout(this.timers.watchdog);
    const hb = (this.session && this.session.heartbeat) || 25000;
    this.timers.watchdog = setTimeout(() => this._lost('silent'), hb * 2.5);
  }

  _clearTimers() {
    Object.values(this.timers).forEach(t => { clearTimeout(t); clearInterval(t); });
  }

  _setState(name, transport = this.state.transport, retryAt = 0) {
    this.state = { name, transport, retryAt };
    this.onState(this.state);
  }
}

/** WebSocket: envelopes down and messages up as text frames. */
class WebSocketTransport {
  constructor(client) {
    this.client = client;
    this.name = 'websocket';
  }

  open() {
    const c = this.client;
    const http = new URL(c._url('/push/ws', { token: c.session.token, last: String(c.last) }), location.href);
    http.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
    this.ws = new WebSocket(http.href);
    this.ws.onmessage = e => { try { c._received(JSON.parse(e.data)); } catch (err) { /* not ours */ } };
    this.ws.onclose = e => { clearInterval(this.beat); c._ended(this, e.code); };
    this.ws.onopen = () => {
      this.beat = setInterval(() => this._raw({ type: 'hb' }), c.session.heartbeat || 25000);
    };
  }

  send(batch) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this._raw(batch.length === 1 ? batch[0] : batch);
    return true;
  }

  _raw(obj) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(obj));
  }

  close() {
    clearInterval(this.beat);
    if (this.ws) { this.ws.onclose = null; this.ws.close(); }
  }
}

export const TRANSPORTS = { websocket: WebSocketTransport };
