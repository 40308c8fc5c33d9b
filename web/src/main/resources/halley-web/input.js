// What the person types: lines and pastes for the open conversation, and the commands of
// commands.js carried out (ops for the network, or things the page does itself).
import { t } from './i18n.js';
import { info, addItem, clearItems, myNick } from './state.js';
import { parseLine, splitLines, COMMANDS } from './commands.js';
import { BURST, RATE } from './outbox.js';
import { send } from './connection.js';
import { topicLine } from './items.js';

const MAX_PASTE = 100;               // lines; a bigger paste belongs on a paste site
const CONFIRM_LINES = 5;             // typed (Shift+Enter) text with more lines asks first
const $ = id => document.getElementById(id);

export function submitInput(page, text) {
  const c = page.app.current;
  if (!c) return;
  const lines = splitLines(text);
  if (lines.length > 1) {
    if (lines.length > CONFIRM_LINES) confirmPaste(page, lines); else sendLines(page, c, lines);
    return;
  }
  const ctx = { conversation: c.type === 'server' ? null : c.name, type: c.type, kind: c.network.kind, isChannel: n => c.network.isChannel(n) };
  for (const a of parseLine(lines[0] || text, ctx)) run(page, c, a);
  page.messages.follow(); // what the person just sent is where they look
}

/** Carries out one action of commands.js. */
function run(page, c, a) {
  const { app } = page;
  const net = c.network;
  if (a.error) { info(app, c, t(a.error, { ...a.params, usage: a.params && a.params.usage ? t(a.params.usage) : '' }), 'problem'); return; }
  if (a.say !== undefined) {
    const target = net.isChannel(a.target) ? net.find(a.target) : net.conv(a.target, 'query');
    if (!target || (target.type === 'channel' && !target.joined && target !== c)) { send(page, net, { op: 'say', target: a.target, text: a.say }); return; }
    page.outbox.add(target, 'message', a.say);
    return;
  }
  if (a.act !== undefined) { page.outbox.add(net.find(a.target) || c, 'action', a.act); return; }
  if (a.op) {
    const op = { ...a.op };
    if (op.op === 'quit') net.wanted = false;
    if (a.local === 'away-default' && !op.message) op.message = t('composer.awayDefault');
    if (a.local === 'select-when-joined') {
      const existing = net.find(a.channel);
      if (existing && existing.joined) { page.select(existing); return; }
      net.conv(a.channel, 'channel').selectWhenJoined = true;
    }
    send(page, net, op);
    return;
  }
  switch (a.local) {
    case 'query': page.select(net.conv(a.target, 'query')); break;
    case 'show-topic': {
      const ch = net.find(a.channel);
      if (ch && ch.topic && ch.topic.text) addItem(app, c, { t: 'info', level: 'info', topic: ch.topic });
      else info(app, c, t('event.noTopic', { channel: a.channel }));
      break;
    }
    case 'clear': clearItems(app, c); break;
    case 'close': closeConversation(page, c); break;
    case 'help': showHelp(page, c, a.command); break;
    default: break;
  }
}

export function joinChannel(page, net, channel, show) {
  const existing = net.find(channel);
  if (existing && existing.joined) { page.select(existing); return; }
  if (show) net.conv(channel, 'channel').selectWhenJoined = true;
  send(page, net, { op: 'join', channel, key: '' });
}

function closeConversation(page, c) {
  const net = c.network;
  if (c.type === 'server') { info(page.app, c, t('error.closeServer'), 'problem'); return; }
  if (c.type === 'channel' && c.joined) send(page, net, { op: 'part', channel: c.name, reason: '' });
  net.convs.delete(net.fold(c.name));
  page.outbox.stop(c);
  page.select(net.server);
}

function showHelp(page, c, command) {
  if (command && COMMANDS.includes(command)) {
    info(page.app, c, `${t(`usage.${command}`)} — ${t(`help.${command}`)}`);
    return;
  }
  info(page.app, c, t('help.intro'));
  for (const name of COMMANDS) info(page.app, c, `${t(`usage.${name}`)} — ${t(`help.${name}`)}`);
  info(page.app, c, t('help.keys'));
}

export function completions(page, prefix, atStart) {
  const c = page.app.current;
  if (!c) return [];
  const p = prefix.toLowerCase();
  if (atStart && prefix.startsWith('/')) return COMMANDS.map(n => `/${n}`).filter(n => n.startsWith(p));
  const net = c.network;
  if (net.isChannel(prefix)) {
    return [...net.convs.values()].filter(x => x.type === 'channel' && x.name.toLowerCase().startsWith(p)).map(x => x.name);
  }
  const seen = new Set();
  const out = [];
  const consider = nick => {
    const k = net.fold(nick);
    if (!seen.has(k) && nick.toLowerCase().startsWith(p) && k !== net.fold(myNick(net, c) || '')) { seen.add(k); out.push(nick); }
  };
  c.recent.filter(n => c.type !== 'channel' || c.members.has(net.fold(n))).forEach(consider);
  [...c.members.values()].map(m => m.nick).sort((a, b) => a.localeCompare(b)).forEach(consider);
  if (c.type === 'query') consider(c.name);
  return out;
}

/** XMPP carries line breaks: several lines go as one message there, one message per line on IRC. */
const oneMessage = c => c.network.kind === 'xmpp';

function sendLines(page, c, lines) {
  if (oneMessage(c)) page.outbox.add(c, 'message', lines.join('\n'));
  else lines.forEach(l => page.outbox.add(c, 'message', l));
}

export function confirmPaste(page, lines) {
  const c = page.app.current;
  if (!c) return;
  const dialog = $('paste-dialog');
  const tooMany = lines.length > MAX_PASTE;
  const target = c.type === 'server' ? null : c;
  $('paste-question').textContent = !target ? t('error.noConversation')
    : tooMany ? t('paste.tooMany', { count: lines.length, max: MAX_PASTE })
      : t(oneMessage(c) ? 'paste.questionOne' : 'paste.question', { count: lines.length, name: c.name, seconds: Math.max(0, Math.ceil((lines.length - BURST) / RATE)) });
  $('paste-preview').textContent = tooMany || !target ? '' : lines.slice(0, 20).join('\n') + (lines.length > 20 ? '\n…' : '');
  $('paste-send').hidden = tooMany || !target;
  dialog.returnValue = '';
  dialog.onclose = () => {
    if (dialog.returnValue === 'send' && target && !tooMany) sendLines(page, target, lines);
    $('input').focus();
  };
  dialog.showModal();
  (tooMany || !target ? dialog.querySelector('button[value=cancel]') : $('paste-send')).focus();
}
