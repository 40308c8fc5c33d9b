import { info } from '../state.js';
import { t } from '../i18n.js';

/** `invited`: someone invites the person to a channel; a button joins it. */
export default function invited(app, net, e, time, ui) {
  const text = { key: 'event.invited', args: { by: { nick: e.by || '' }, channel: e.channel || '' } };
  const join = { label: t('action.join'), run: () => ui.joinChannel(net, e.channel, true) };
  info(app, net.server, text, 'info', time, join);
  if (app.current && app.current.network === net && app.current !== net.server) info(app, app.current, text, 'info', time, join);
  if (!app.replaying) ui.alert(net.server, t('alert.invited', { by: e.by || '', channel: e.channel || '' }), e.reason || '');
}
