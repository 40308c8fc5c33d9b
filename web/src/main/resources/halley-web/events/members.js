import { member } from '../state.js';

/** `members`: everyone in a channel now (ends a join). */
export default function members(app, net, e) {
  const c = net.conv(e.channel, 'channel');
  c.members.clear();
  c.topicSeen = true; // the names end a join: a topic from now on is a change
  for (const m of e.members || []) c.members.set(net.fold(m.nick), member(m));
  app.touch('members', c);
}
