import { status, isMe } from '../state.js';
import { t } from '../i18n.js';

/** `parted`, `kicked` and `banned`: someone (`self`: the person) left a channel, or was made to. */
export default function parted(app, net, e, time, ui) {
  const c = net.find(e.channel) || net.conv(e.channel, 'channel');
  const ev = { parted: 'part', kicked: 'kick', banned: 'ban' }[e.type];
  const self = e.self || isMe(net, e.nick, c);
  if (self) {
    c.joined = false;
    if (ev === 'part') c.wanted = false;
    c.members.clear();
  } else {
    c.members.delete(net.fold(e.nick));
  }
  status(app, c, { ev, self, nick: e.nick, by: e.by, reason: e.reason }, time);
  if (self && ev !== 'part' && !app.replaying) ui.alert(c, t('alert.kicked', { channel: c.name, by: e.by || '' }), e.reason || '');
  app.touch('members', c);
}
