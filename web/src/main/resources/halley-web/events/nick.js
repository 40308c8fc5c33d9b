import { status, info, isMe } from '../state.js';

/** `nick`: someone is now known as newNick (on XMPP in one room, `channel`; on IRC everywhere). */
export default function nick(app, net, e, time) {
  const oldKey = net.fold(e.oldNick), newKey = net.fold(e.newNick);
  const room = e.channel ? net.find(e.channel) : null;
  const self = e.self || isMe(net, e.oldNick, room);
  if (self && room) {
    room.myNick = e.newNick;
  } else if (self) {
    net.nick = e.newNick;
    for (const c of net.convs.values()) if (c.myNick && net.fold(c.myNick) === oldKey) c.myNick = e.newNick;
    info(app, net.server, { key: 'event.selfNick', args: { nick: { nick: e.newNick } } }, 'info', time);
  }
  for (const c of room ? [room] : net.convs.values()) {
    c.recent = c.recent.map(n => (net.fold(n) === oldKey ? e.newNick : n));
    const m = c.members.get(oldKey);
    if (m) {
      c.members.delete(oldKey);
      m.nick = e.newNick;
      c.members.set(newKey, m);
      status(app, c, { ev: 'nick', self, nick: e.oldNick, newNick: e.newNick }, time);
      app.touch('members', c);
    }
  }
  const q = room ? null : net.convs.get(oldKey);
  if (q && q.type === 'query' && oldKey !== newKey && !net.convs.has(newKey)) {
    net.convs.delete(oldKey);
    q.name = e.newNick;
    net.convs.set(newKey, q);
    status(app, q, { ev: 'nick', nick: e.oldNick, newNick: e.newNick }, time);
  } else if (q && q.type === 'query' && oldKey === newKey) {
    q.name = e.newNick;
  }
  app.touch('sidebar');
}
