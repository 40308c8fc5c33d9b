import { info } from '../state.js';
import { t } from '../i18n.js';

/** `account`: someone logged in to (or out of) a services account. */
export default function account(app, net, e, time) {
  if (net.same(e.nick || '', net.nick)) {
    info(app, net.server, e.account ? t('event.loggedIn', { account: e.account }) : t('event.loggedOut'), 'info', time);
  }
  for (const c of net.convs.values()) { const m = c.members.get(net.fold(e.nick || '')); if (m) m.account = e.account; }
}
