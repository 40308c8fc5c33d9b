import { test, eq, ok } from './harness.js';
import { createApp, Network, addItem, status } from '/halley-web/state.js';
import { MessagesView } from '/halley-web/views/messages.js';
import { renderItem } from '/halley-web/items.js';

const frame = () => new Promise(r => requestAnimationFrame(() => r()));

/** A messages view on the test page's markup, rendering every frame something is touched. */
function view(rendered = 50) {
  let dirty = false;
  const app = createApp({ touch: () => { dirty = true; } });
  const net = new Network('n');
  const c = net.conv('#c', 'channel');
  app.current = c;
  app.chatShown = true;
  const v = new MessagesView(app, { rendered, touch: () => { dirty = true; }, itemView: () => ({}), focusInput: () => {} });
  const render = async () => { for (let i = 0; i < 100; i++) { await frame(); dirty = false; if (!v.render() && !dirty) return; } };
  const say = text => addItem(app, c, { t: 'msg', kind: 'message', from: 'bob', text });
  return { app, c, v, render, say };
}

const shown = () => [...document.querySelectorAll('#messages > li.msg .text')].map(e => e.textContent);

test('a flood renders in order into a bounded window that follows the newest line', async () => {
  const { v, render, say } = view(50);
  for (let i = 0; i < 500; i++) say(`line ${i}`);
  await render();
  const lines = shown();
  eq(lines.length, 50);
  eq(lines[0], 'line 450');
  eq(lines[49], 'line 499');
  eq(v.entries.length, 50);
  ok(!document.getElementById('older').hidden, 'older lines are offered');
});

test('lines that arrive frame after frame are appended at the end, each once', async () => {
  const { render, say } = view(1000);
  const seen = [];
  const observer = new MutationObserver(records => {
    for (const r of records) for (const n of r.addedNodes) if (n.matches && n.matches('li.msg')) seen.push(n.querySelector('.text').textContent);
  });
  observer.observe(document.getElementById('messages'), { childList: true });
  for (let batch = 0; batch < 10; batch++) {
    for (let i = 0; i < 30; i++) say(`m${batch * 30 + i}`);
    await render();
  }
  await new Promise(r => setTimeout(r));
  observer.disconnect();
  eq(seen.length, 300);
  eq(seen, Array.from({ length: 300 }, (_, i) => `m${i}`));
});

test('"show older" brings back lines from state above the window, in order', async () => {
  const { c, v, render, say } = view(50);
  for (let i = 0; i < 120; i++) say(`o${i}`);
  await render();
  v.showOlder();
  const lines = shown();
  eq(lines[0], 'o0');
  eq(lines[lines.length - 1], 'o119');
  eq(lines.length, 120);
  eq(document.querySelectorAll('#messages > li.marker.day').length, 1, 'one day, one day marker');
  ok(!c.atBottom, 'reading older lines stops following');
});

test('lines dropped beyond the scrollback are said above the lines', async () => {
  const { app, render, say } = view(50);
  app.scrollback = 100;
  for (let i = 0; i < 130; i++) say(`d${i}`);
  await render();
  ok(document.getElementById('older').textContent.includes('30 older lines were dropped'), document.getElementById('older').textContent);
});

test('joins folded into a group redraw one line in place', async () => {
  const { app, c, render, say } = view(50);
  say('before');
  await render();
  for (let i = 0; i < 40; i++) status(app, c, { ev: 'join', nick: `u${i}` });
  await render();
  const items = document.querySelectorAll('#messages > li.msg');
  eq(items.length, 2);
  ok(items[1].textContent.includes('37 others'), items[1].textContent);
});

test('a direction override in a part reason cannot reorder the page\'s sentence', () => {
  const li = renderItem({ t: 'status', ev: 'part', nick: 'bob', reason: 'bye \u202Eexit', time: new Date() }, {});
  const reason = [...li.querySelectorAll('bdi')].reverse().find(b => b.textContent.includes('\u202E'));
  ok(reason, 'the reason is inside a <bdi>');
  ok(!reason.textContent.includes('('), 'the page\'s parentheses stay outside the isolated reason');
  // Rendered left to right: "left" comes before the reason on screen.
  document.body.append(li);
  const text = li.querySelector('.text');
  const left = [...text.childNodes].find(n => n.nodeType === 3 && n.textContent.includes('left'));
  const r1 = document.createRange(); r1.selectNodeContents(left);
  const r2 = document.createRange(); r2.selectNodeContents(reason);
  ok(r1.getBoundingClientRect().left < r2.getBoundingClientRect().left, 'the reason stays to the right of "left"');
  li.remove();
});

test('a link shows its real target, never text a direction override turned around', () => {
  const li = renderItem({ t: 'msg', kind: 'message', from: 'bob', text: 'see https://example.com/\u202Etxt.exe', time: new Date() }, {});
  const a = li.querySelector('a');
  ok(!/[\u202A-\u202E\u2066-\u2069]/.test(a.textContent), `link text ${a.textContent}`);
  eq(a.title, a.href);
  ok(a.href.includes('%E2%80%AEtxt.exe'), a.href);
  eq(a.dir, 'ltr');
});

test('a nick and a message are each isolated from the line around them', () => {
  const li = renderItem({ t: 'msg', kind: 'message', from: '\u202Ebob', text: '\u202Eolleh', time: new Date() }, {});
  eq(li.querySelector('.text').getAttribute('dir'), 'auto');
  ok(!li.querySelector('.from').textContent.includes('\u202E'), 'a nick shows the override as a visible mark');
});

test('a notice\'s sender is on one line', () => {
  const list = document.getElementById('messages');
  list.replaceChildren(renderItem({ t: 'msg', kind: 'notice', from: 'NickServ', text: 'hello', time: new Date() }, {}));
  const from = list.querySelector('.from');
  const line = parseFloat(getComputedStyle(from).lineHeight) || 20;
  ok(from.getBoundingClientRect().height < line * 1.5, `height ${from.getBoundingClientRect().height} for a line of ${line}`);
  list.replaceChildren();
});
