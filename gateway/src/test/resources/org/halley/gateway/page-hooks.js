// Injected by the tests before any script of the page runs (CDP Page.addScriptToEvaluateOnNewDocument).
// Records errors, CSP violations and notifications; lets a test cut and restore the page's
// WebSocket connections; lets a test pretend the page is not focused.
(() => {
  window.__errors = [];
  window.__csp = [];
  window.__notes = [];
  addEventListener('error', e => window.__errors.push(String(e.message)));
  addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));
  document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  const consoleError = console.error.bind(console);
  console.error = (...args) => { window.__errors.push(args.map(String).join(' ')); consoleError(...args); };

  class RecordingNotification {
    constructor(title, options = {}) { window.__notes.push({ title, body: options.body || '' }); }
    close() {}
    static get permission() { return 'granted'; }
    static requestPermission() { return Promise.resolve('granted'); }
  }
  window.Notification = RecordingNotification;
  const hasFocus = Document.prototype.hasFocus;
  Document.prototype.hasFocus = function () { return window.__blurred ? false : hasFocus.call(this); };

  // To cut the link the test blocks the push endpoints' HTTP requests (CDP Network.setBlockedURLs,
  // which does not stop WebSocket handshakes) and calls __cut: open WebSockets close, and new ones
  // go to a path of the same server that refuses the upgrade (404), as a dropped network would.
  const RealWebSocket = window.WebSocket;
  const sockets = [];
  window.__offline = false;
  function TestWebSocket(url, protocols) {
    const ws = new RealWebSocket(window.__offline ? new URL('/offline', url).href : url, protocols);
    sockets.push(ws);
    return ws;
  }
  TestWebSocket.prototype = RealWebSocket.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) TestWebSocket[k] = RealWebSocket[k];
  window.WebSocket = TestWebSocket;
  window.__cut = () => { window.__offline = true; sockets.forEach(s => s.close()); };
  window.__restore = () => { window.__offline = false; };
})();
