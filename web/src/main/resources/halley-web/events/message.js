import { addItem, isMe, myNick, mentions } from '../state.js';
import { plainText } from '../irc-format.js';
import { t } from '../i18n.js';

/** `message`: a message, action or notice in a channel or a private conversation. */
export default function message(app, net, e, time, ui) {
  const c = net.conv(e.conversation, net.isChannel(e.conversation) ? 'channel' : 'query');
  const kind = ['message', 'action', 'notice'].includes(e.kind) ? e.kind : 'message';
  const self = e.self || isMe(net, e.from, c);
  if (self) {
    const i = c.pending.findIndex(p => p.cseq !== null && !p.failed && p.kind === kind && (p.text === e.text || p.text.startsWith(e.text)));
    if (i >= 0) { c.pending.splice(i, 1); app.touch('pending', c); }
  }
  const text = e.text || '';
  const mention = !self && !e.history && (c.type === 'query' || mentions(myNick(net, c), plainText(text)));
  addItem(app, c, { t: 'msg', kind, from: (self && myNick(net, c)) || e.from || '', text, self, history: !!e.history, mention, time });
  if (self || !e.from) return;
  if (!c.recent.length || !net.same(c.recent[0], e.from)) {
    c.recent = [e.from, ...c.recent.filter(n => !net.same(n, e.from))].slice(0, 30);
  }
  if (mention && !e.history && !app.replaying) {
    ui.alert(c, c.type === 'query' ? e.from : t('alert.mention', { nick: e.from, channel: c.name }), plainText(text));
  }
}
