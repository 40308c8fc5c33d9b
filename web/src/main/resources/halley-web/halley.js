// Halley push client: sessions, five transports with fallback, resume. No dependencies; an ES module.
// The wire protocol is specified in docs/protocol.md.
//
//   const client = new HalleyClient({ onEvent: (e, seq) => ..., onState: s => ... });
//   await client.start();
//   client.send({ op: 'say', network: 'demo', target: '#halley', text: 'hi' });

const MAX_BACKOFF_MS = 30000;
const SESSION_TIMEOUT_MS = 10000; // an unanswered session request is abandoned and tried again
/** Best first. Streaming before long polling: a poll per message costs a round trip. */
export const TRANSPORT_ORDER = ['websocket', 'sse', 'xhr-streaming', 'iframe', 'long-polling'];
const STREAMING = new Set(['sse', 'xhr-streaming', 'iframe']);

/** One push session and the connection carrying it. */
export class HalleyClient {
  /**
   * @param {object} options
   * @param {string} [options.base] URL of the Halley server ('' for this page's origin)
   * @param {string[]} [options.transports] transports to use, best first (default: all this
   *     browser has, in TRANSPORT_ORDER); one name forces that transport
   * @param {{session: string, token: string, heartbeat: number}} [options.session] a session the
   *     application created for this page (prebind) instead of creating one
   * @param {{session: string, token: string, heartbeat: number}} [options.resume] a session this
   *     page had before (a reload): start() asks whether it lives, continues it from its first
   *     event (`last` 0: the server replays what it still holds, or says reset), and if it has
   *     ended reports onClosed('expired') instead of creating another
   * @param {number} [options.helloTimeout] ms to wait for a connection's hello before taking the
   *     transport for blocked (a proxy that buffers streams); default 6000
   * @param {(event: any, seq: number) => void} [options.onEvent] each event, once, in order
   * @param {(state: object) => void} [options.onState] connection state changes
   * @param {(info: {lost: boolean, renewed?: boolean, moved?: boolean, resumed?: boolean}) => void} [options.onReset]
   *     events were lost (or the session was replaced by a new one, `renewed`; `moved`: because its
   *     node was draining, a planned move): the application should rebuild its view. `resumed`: the
   *     first connection of a resumed session, whose oldest events the server no longer holds
   * @param {(reason: string) => void} [options.onClosed] the session ended for good ('replaced':
   *     another page took it over)
   */
  constructor(options = {}) {
    this.base = options.base ?? '';
    const wanted = (options.transports ?? TRANSPORT_ORDER).filter(t => TRANSPORTS[t] && TRANSPORTS[t].supported());
    this.transports = wanted.length ? wanted : TRANSPORT_ORDER.filter(t => TRANSPORTS[t].supported());
    this.helloTimeout = options.helloTimeout ?? 6000;
    this.onEvent = options.onEvent ?? (() => {});
    this.onState = options.onState ?? (() => {});
    this.onReset = options.onReset ?? (() => {});
    this.onClosed = options.onClosed ?? (() => {});
    this.prebound = options.session ?? null;
    this.resuming = options.resume ?? null;
    this.replayUpTo = 0;   // resumed: events up to this seq were sent before this page existed
    this.session = null;   // {session, token, heartbeat}
    this.last = 0;         // last event seq delivered
    this.outbox = [];      // [{cseq, data}] not yet acknowledged
    this.nextCseq = 1;
    this.sentUpTo = 0;     // highest cseq written on the current connection
    this.posting = false;  // a POST is in flight (POSTs go one at a time, to keep order)
    this.attempt = 0;      // failed connects in a row
    this.index = 0;        // into this.transports
    this.conn = null;
    this.state = { name: 'idle', transport: null, retryAt: 0 };
    this.timers = {};
  }

  /**
   * Creates a session (unless one was given, or is resumed) and connects. Resolves to false when
   * the session to resume has ended (onClosed('expired') was called), else true.
   */
  async start() {
    this._setState('connecting');
    if (this.prebound) this.session = this.prebound;
    else if (this.resuming) {
      this.session = this.resuming;
      if (!(await this._probe())) {
        this.session = null;
        this.resuming = null;
        this._setState('closed');
        this.onClosed('expired');
        return false;
      }
    } else await this._createSession();
    this._connect();
    return true;
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
    if (this.creating) this.creating.abort();
    this._clearTimers();
    this._drop();
    if (this.session) {
      fetch(this._url('/push/close'), { method: 'POST', headers: this._headers(), keepalive: true }).catch(() => {});
    }
    this._setState('closed');
  }

  // ---- internals ----

  async _createSession() {
    await this._untilAnswered(async signal => {
      const res = await fetch(this.base + '/push/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}', signal });
      if (res.ok) {
        this.session = await res.json();
        this.last = 0;
        return true;
      }
      if (res.status === 403) throw new Error((await res.json().catch(() => ({}))).message || 'refused');
    });
  }

  /**
   * Asks whether the session to resume lives (an empty POST /push/send): 200 carries the last
   * client message the server processed, so this page numbers its own after it; 403 (or 410, 421:
   * its node drained or is gone) means the session has ended. Without an answer it asks again, with backoff.
   */
  _probe() {
    return this._untilAnswered(async signal => {
      const res = await fetch(this._url('/push/send'), { method: 'POST', headers: this._headers(), body: '[]', signal });
      if (res.ok) {
        const { ack } = await res.json();
        this.nextCseq = ack + 1;
        this.sentUpTo = ack;
        this.last = 0;
        return true;
      }
      if (res.status >= 400 && res.status < 500) return false;
    });
  }

  /**
   * Calls request(signal) until it answers (returns other than undefined) and returns that. A
   * request that gets no answer (lost in a server restart) must not hold the page forever: it is
   * abandoned after SESSION_TIMEOUT_MS and, like a network error or an undefined answer, tried
   * again with backoff; stop() abandons it at once. Any other error is thrown.
   */
  async _untilAnswered(request) {
    for (;;) {
      const ctrl = this.creating = new AbortController();
      const timer = setTimeout(() => ctrl.abort(), SESSION_TIMEOUT_MS);
      try {
        const answer = await request(ctrl.signal);
        if (answer !== undefined) return answer;
      } catch (e) {
        if (this.state.name === 'closed') throw new Error('stopped');
        // TypeError: the network; AbortError: no answer in time; anything else is the server's no
        if (!(e instanceof TypeError) && !(e && e.name === 'AbortError')) throw e;
      } finally {
        clearTimeout(timer);
      }
      this.attempt++;
      await new Promise(r => this._later(r, false));
    }
  }

  _url(path, params = {}) {
    const q = new URLSearchParams({ session: this.session.session, ...params });
    return `${this.base}${path}?${q}`;
  }

  _headers() {
    return { 'Content-Type': 'application/json', 'X-Halley-Token': this.session.token };
  }

  _heartbeat() {
    return (this.session && this.session.heartbeat) || 25000;
  }

  _connect() {
    const name = this.transports[this.index % this.transports.length];
    this._setState(this.attempt === 0 ? 'connecting' : 'reconnecting', name);
    const conn = this.conn = new TRANSPORTS[name](this);
    conn.name = name;
    conn.open();
    clearTimeout(this.timers.hello);
    this.timers.hello = setTimeout(() => {
      if (conn !== this.conn || conn.hello) return;
      conn.buffered = STREAMING.has(name); // bytes held back somewhere: every stream will be
      conn.close();
      this._ended(conn, 0);
    }, this.helloTimeout);
  }

  // Called by transports with each message.
  _received(conn, msg) {
    if (conn !== this.conn) return;
    this._watch();
    if (typeof msg.seq === 'number' && 'event' in msg) {
      if (msg.seq <= this.last) return;                 // already delivered (a resend)
      if (msg.seq !== this.last + 1) { this._lost(); return; }
      this.last = msg.seq;
      this.onEvent(msg.event, msg.seq);
      return;
    }
    switch (msg.type) {
      case 'hello':
        conn.hello = Date.now();
        clearTimeout(this.timers.hello);
        this.firstResume = !!this.resuming; // its reset, if any, is expected: the page has nothing yet
        if (this.resuming) { this.replayUpTo = msg.seq; this.resuming = null; }
        this.attempt = 0;
        this._acked(msg.ack);
        this.sentUpTo = msg.ack;   // resend whatever the server has not processed
        this._setState('live', conn.name);
        this._flushOutbox();
        break;
      case 'reset':
        this.last = msg.seq;
        this.onReset(this.firstResume ? { lost: true, resumed: true } : { lost: true });
        break;
      case 'ack':
        this._acked(msg.ack);
        break;
      case 'going-away':
        // The node is draining and has forgotten this session: a planned move, not a loss. Make a
        // new session at once (the load balancer places it on another node).
        this._renew(true);
        break;
      case 'close':
      case 'replaced': // another page took the session over (a duplicated tab): stop, never reconnect
        this._clearTimers();
        this._drop();
        this._setState('closed');
        this.onClosed(msg.type === 'replaced' ? 'replaced' : msg.reason);
        break;
    }
  }

  /**
   * The connection ended. `code` is a WebSocket close code of docs/protocol.md (4403: the session
   * is unknown; 4421: it belongs to a node the load balancer could not reach; 4410: a draining
   * node sent it away), or 0 for an HTTP
   * transport's end.
   */
  _ended(conn, code) {
    if (conn !== this.conn) return;
    this.conn = null;
    clearTimeout(this.timers.watchdog);
    clearTimeout(this.timers.hello);
    if (this.state.name === 'closed') return;
    if (code === 4403 || code === 4421) { this._renew(); return; }
    if (code === 4410) { this._renew(true); return; } // a draining node sent it away: a planned move
    if (code === 4001) { this._setState('closed'); this.onClosed('ended'); return; }
    if (code === 4000) { this._setState('closed'); this.onClosed('replaced'); return; } // another page has it now
    if (conn.hello) {
      // It worked, then ended (a cut, a recycled stream): resume at once, unless it keeps happening.
      this.quick = Date.now() - conn.hello < 2000 ? (this.quick || 0) + 1 : 0;
      this.attempt = this.quick;
      this._reconnectLater(this.quick === 0);
      return;
    }
    this._failed(conn);
  }

  /**
   * A connection ended before its hello. Ask the server cheaply (an empty POST) whether the session
   * lives: 403 means it is gone, and so does 421 (its node is down: the load balancer sent us to
   * another); an answer means this transport is what fails (a proxy), so fall
   * back; no answer means the network or the server is down, so wait and try the same again.
   */
  async _failed(conn) {
    this.attempt++;
    let verdict = 'network';
    try {
      const r = await fetch(this._url('/push/send'), { method: 'POST', headers: this._headers(), body: '[]' });
      verdict = r.status === 410 ? 'moved' : r.status === 403 || r.status === 421 ? 'gone' : r.ok ? 'transport' : 'server';
    } catch (e) { /* network */ }
    if (this.state.name === 'closed' || this.conn) return;
    if (verdict === 'gone' || verdict === 'moved') { this._renew(verdict === 'moved'); return; }
    if (verdict === 'transport' && this.transports.length > 1) {
      const poll = this.transports.indexOf('long-polling');
      const next = conn.buffered && poll >= 0 ? poll : this.index + 1;
      if (next < this.transports.length) { this.index = next; this._reconnectLater(true); return; }
      this.index = 0; // all failed: start over, with backoff
    }
    this._reconnectLater(false);
  }

  _lost() {
    const c = this.conn;
    if (!c) return;
    c.close();
    this._ended(c, 0);
  }

  /** Closes the connection without reporting its end. */
  _drop() {
    const c = this.conn;
    this.conn = null;
    if (c) c.close();
  }

  async _renew(moved = false) {
    this._drop();
    if (this.prebound) { this._setState('closed'); this.onClosed(moved ? 'going-away' : 'expired'); return; }
    this.session = null;
    this.outbox = [];
    this.nextCseq = 1;
    this.sentUpTo = 0;
    this._setState('reconnecting');
    await this._createSession();
    this.onReset(moved ? { lost: true, renewed: true, moved: true } : { lost: true, renewed: true });
    this._connect();
  }

  /** Reconnects now (a small jitter only) or after a jittered exponential backoff. */
  _reconnectLater(now) {
    clearTimeout(this.timers.reconnect);
    this.timers.reconnect = this._later(() => this._connect(), now);
  }

  /** Runs `f` after a jittered delay: about 0.5 s × 2^attempt, at most 30 s; or at once-ish. */
  _later(f, now) {
    if (!now) this.attempt = Math.max(this.attempt, 1);
    const base = now ? 50 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempt - 1, 10));
    const delay = base * (0.5 + Math.random());
    this._setState('reconnecting', this.state.transport, Date.now() + delay);
    return setTimeout(f, delay);
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
      .catch(status => {
        this.posting = false; // kept in the outbox; tried again soon, and after the next hello
        if (status === 403 || status === 421 || status === 410) this._renew(status === 410);
        else { clearTimeout(this.timers.post); this.timers.post = setTimeout(() => this._flushOutbox(), 1000); }
      });
  }

  /** Takes the connection for dead when the server is silent for 2.5 heartbeats. */
  _watch() {
    clearTimeout(this.timers.watchdog);
    this.timers.watchdog = setTimeout(() => this._lost(), this._heartbeat() * 2.5);
  }

  _clearTimers() {
    Object.values(this.timers).forEach(t => { clearTimeout(t); clearInterval(t); });
  }

  _setState(name, transport = this.state.transport, retryAt = 0) {
    this.state = { name, transport, retryAt };
    this.onState(this.state);
  }
}

/** An HTTP transport's refusal as the WebSocket close code that means the same (0: none). */
const refusal = status => status === 403 ? 4403 : status === 421 ? 4421 : status === 410 ? 4410 : 0;

/** WebSocket: envelopes down and messages up as text frames. */
class WebSocketTransport {
  static supported() { return typeof WebSocket === 'function'; }

  constructor(client) { this.c = client; }

  open() {
    const c = this.c;
    const url = new URL(c._url('/push/ws', { token: c.session.token, last: String(c.last) }), location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = this.ws = new WebSocket(url.href);
    ws.onmessage = e => c._received(this, JSON.parse(e.data));
    ws.onclose = e => { clearInterval(this.beat); c._ended(this, e.code); };
    ws.onopen = () => { this.beat = setInterval(() => this._raw({ type: 'hb' }), c._heartbeat()); };
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
    if (this.ws) { this.ws.onclose = null; this.ws.close(); this.ws = null; }
  }
}

/** Server-Sent Events. We reconnect ourselves (with `last`), so EventSource's own retry is cut off. */
class SseTransport {
  static supported() { return typeof EventSource === 'function'; }

  constructor(client) { this.c = client; }

  open() {
    const c = this.c;
    const es = this.es = new EventSource(c._url('/push/sse', { token: c.session.token, last: String(c.last) }));
    es.onmessage = e => c._received(this, JSON.parse(e.data));
    es.onerror = () => { this.close(); c._ended(this, 0); };
  }

  send() { return false; }

  close() {
    if (this.es) { this.es.onerror = null; this.es.close(); this.es = null; }
  }
}

/** XHR streaming, read with fetch: one envelope per line. */
class XhrStreamingTransport {
  static supported() { return typeof ReadableStream === 'function' && typeof AbortController === 'function'; }

  constructor(client) { this.c = client; }

  open() {
    const c = this.c;
    const ctrl = this.ctrl = new AbortController();
    fetch(c._url('/push/stream', { last: String(c.last) }), { headers: { 'X-Halley-Token': c.session.token }, signal: ctrl.signal, cache: 'no-store' })
      .then(async res => {
        if (!res.ok) throw res.status;
        const reader = res.body.getReader();
        const text = new TextDecoder();
        let buf = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buf += text.decode(value, { stream: true });
          let nl;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) c._received(this, JSON.parse(line));
          }
        }
        throw 0;
      })
      .catch(status => { if (this.ctrl) { this.ctrl = null; c._ended(this, refusal(status)); } });
  }

  send() { return false; }

  close() {
    const ctrl = this.ctrl;
    this.ctrl = null;
    if (ctrl) ctrl.abort();
  }
}

/** Hidden-iframe streaming: the server's document calls parent[callback](envelope) per message. */
class IframeTransport {
  static supported() { return typeof document === 'object'; }

  constructor(client) { this.c = client; }

  open() {
    const c = this.c;
    const cb = this.cb = '_halley' + Math.random().toString(36).slice(2);
    window[cb] = m => c._received(this, m);
    const f = this.frame = document.createElement('iframe');
    f.style.display = 'none';
    f.onload = () => { this.close(); c._ended(this, 0); }; // the document ended: the stream did
    f.src = c._url('/push/iframe', { token: c.session.token, last: String(c.last), callback: cb });
    document.body.appendChild(f);
  }

  send() { return false; }

  close() {
    delete window[this.cb];
    if (this.frame) { this.frame.onload = null; this.frame.remove(); this.frame = null; }
  }
}

/** Long polling: each poll answers with a batch; the next one goes out at once. */
class LongPollingTransport {
  static supported() { return typeof fetch === 'function'; }

  constructor(client) { this.c = client; }

  open() {
    this.active = true;
    this._poll(true);
  }

  _poll(first) {
    const c = this.c;
    const ctrl = this.ctrl = new AbortController();
    const params = first ? { last: String(c.last), wait: '0' } : { last: String(c.last) };
    fetch(c._url('/push/poll', params), { headers: { 'X-Halley-Token': c.session.token }, signal: ctrl.signal, cache: 'no-store' })
      .then(r => r.ok ? r.json() : Promise.reject(r.status))
      .then(batch => {
        c._watch();
        for (const m of batch) {
          if (!this.active) return;
          if (m.type === 'hello' && !first) c._acked(m.ack); // one logical connection: one hello
          else c._received(this, m);
        }
        if (this.active) this._poll(false);
      })
      .catch(status => { if (this.active) { this.active = false; c._ended(this, refusal(status)); } });
  }

  send() { return false; }

  close() {
    this.active = false;
    if (this.ctrl) this.ctrl.abort();
  }
}

export const TRANSPORTS = {
  websocket: WebSocketTransport,
  sse: SseTransport,
  'xhr-streaming': XhrStreamingTransport,
  iframe: IframeTransport,
  'long-polling': LongPollingTransport,
};
