import { member as fromEvent } from '../state.js';

/**
 * `member`: one member's standing changed (their whole new prefix, role, affiliation). The
 * bridge reads the network's modes; the page never parses mode strings itself.
 */
export default function member(app, net, e) {
  const c = net.conv(e.channel, 'channel');
  if (e.member && e.member.nick) {
    const old = c.members.get(net.fold(e.member.nick));
    c.members.set(net.fold(e.member.nick), { ...fromEvent(e.member), away: !!(old && old.away), account: old && old.account });
  }
  app.touch('members', c);
}
