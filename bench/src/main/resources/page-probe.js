// The page benchmark's probe (bench/page), injected before the chat page's own scripts run (CDP
// Page.addScriptToEvaluateOnNewDocument). It relies only on the page's contract: message lines are
// li.msg elements, with a .text child holding the message text, added to ol#messages. Each line the
// bench sends has a unique text, <tag><client>-<n>; the first time each one is added to #messages
// is kept (epoch milliseconds), so a page that windows its DOM (adds a line again on scrolling) is
// timed by its first showing. Main-thread long tasks come from PerformanceObserver('longtask').
// What it keeps is small and fixed: one Float64Array per tag and two numbers per long task. Records
// also go out as they are made, through a DevTools binding (window.__benchOut, added by the bench),
// so the bench reads them without waiting for a busy page.
(() => {
  const B = window.__bench = { tags: new Map(), longtasks: [], attached: null, problems: [] };
  const now = () => performance.timeOrigin + performance.now();
  let outbox = [], flushed = 0, timer = 0;
  function flush() {
    timer = 0;
    flushed = performance.now();
    if (outbox.length && typeof window.__benchOut === 'function') window.__benchOut(outbox.join('\n'));
    outbox = [];
  }
  function out(record) {
    outbox.push(record);
    if (performance.now() - flushed >= 100) flush();
    else if (!timer) timer = setTimeout(flush, 100);
  }
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        B.longtasks.push(performance.timeOrigin + e.startTime, e.duration);
        out(`T ${(performance.timeOrigin + e.startTime).toFixed(1)} ${e.duration.toFixed(1)}`);
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    B.problems.push('no longtask observer: ' + e);
  }
  /** Lines tagged `tag` will come from `clients` senders, at most `perClient` each. */
  B.expect = (tag, clients, perClient) => {
    B.tags.set(tag, { clients, perClient, shown: new Float64Array(clients * perClient), count: 0, first: 0, last: 0 });
  };
  B.count = tag => (B.tags.get(tag) || { count: -1 }).count;
  B.times = tag => Array.from(B.tags.get(tag).shown);
  const RE = /^([a-z]+)(\d+)-(\d+)$/;
  function seen(li, t) {
    const text = li.querySelector('.text');
    if (!text) return;
    const m = RE.exec(text.textContent.trim());
    if (!m) return;
    const tag = B.tags.get(m[1]);
    if (!tag) return;
    const c = +m[2], n = +m[3];
    if (c >= tag.clients || n >= tag.perClient) return;
    const i = c * tag.perClient + n;
    if (tag.shown[i]) return;
    tag.shown[i] = t;
    tag.count++;
    if (!tag.first) tag.first = t;
    tag.last = t;
    out(`L ${m[1]} ${i} ${t.toFixed(1)}`);
  }
  const observer = new MutationObserver(records => {
    const t = now();
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node.nodeType === 1 && node.matches('li.msg')) seen(node, t);
      }
    }
  });
  function attach() {
    const list = document.getElementById('messages');
    if (list && list !== B.attached) {
      observer.disconnect();
      observer.observe(list, { childList: true });
      B.attached = list;
    }
  }
  document.addEventListener('DOMContentLoaded', attach);
  setInterval(attach, 250); // in case the page replaces #messages
})();
