import { info } from '../state.js';
import { t } from '../i18n.js';

/** `presence`: someone (`self`: the person) is available, away, busy, offline. */
export default function presence(app, net, e, time) {
  const who = e.who || '';
  if (e.self) {
    net.presence = e.status;
    const line = e.status === 'available' ? t('event.selfBack') : { key: 'event.selfAway', args: { message: e.message || '' } };
    info(app, net.server, line, 'info', time);
    if (app.current && app.current.network === net && app.current !== net.server) info(app, app.current, line, 'info', time);
    app.touch('sidebar');
    return;
  }
  const contact = net.roster.get(net.fold(who));
  if (contact) { contact.status = e.status; contact.message = e.message || ''; }
  for (const c of net.convs.values()) {
    const m = c.members.get(net.fold(who));
    if (m) { m.away = e.status !== 'available'; app.touch('members', c); }
  }
  const q = net.find(who);
  if (q && q.type === 'query') {
    q.presence = e.status;
    info(app, q, e.status === 'available' ? t('event.back', { nick: who })
      : { key: 'event.away', args: { nick: { nick: who }, status: t(`presence.${e.status}`), message: e.message || '' } }, 'info', time);
  }
  app.touch('sidebar');
}
