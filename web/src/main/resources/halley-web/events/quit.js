import { status } from '../state.js';

/** `quit`: someone left the network; shown in each conversation they were in. */
export default function quit(app, net, e, time) {
  const key = net.fold(e.nick || '');
  const listed = new Set((e.channels || []).map(net.fold));
  for (const c of net.convs.values()) {
    const there = c.members.delete(key) || listed.has(net.fold(c.name)) || (c.type === 'query' && net.fold(c.name) === key);
    if (there) { status(app, c, { ev: 'quit', nick: e.nick, reason: e.reason }, time); app.touch('members', c); }
  }
}
