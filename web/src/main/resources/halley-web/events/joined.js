import { status, isMe, myNick, member } from '../state.js';

/** `joined`: someone (`self`: the person) joined a channel. */
export default function joined(app, net, e, time, ui) {
  const c = net.conv(e.channel, 'channel');
  if (e.self || isMe(net, e.nick, c)) {
    // Already in it as this nick: the network saying again where the person stands (after a
    // reload or a gap), not news. Members and topic follow and replace what the page has.
    const again = c.joined && net.same(myNick(net, c) || '', e.nick);
    c.joined = c.wanted = true;
    c.myNick = e.nick;
    if (again) {
      c.resync = true;
      if (c.selectWhenJoined) { c.selectWhenJoined = false; ui.select(c); }
      app.touch('members', c);
      return;
    }
    c.members.clear();
    c.topicSeen = c.topicShown = false;
    status(app, c, { ev: 'join', self: true, nick: e.nick }, time);
    const first = net.autoSelect && net.same(net.autoSelect, c.name);
    if (first) net.autoSelect = null;
    if (c.selectWhenJoined || first || !app.current || app.current.type === 'server') {
      c.selectWhenJoined = false;
      ui.select(c);
    }
    ui.pump();
  } else {
    c.members.set(net.fold(e.nick), member({ nick: e.nick }));
    status(app, c, { ev: 'join', nick: e.nick }, time);
  }
  app.touch('members', c);
}
