import { status, info } from '../state.js';
import { t } from '../i18n.js';

/** `mode`: shown as it was set; the ranks it changes come as `member` events. */
export default function mode(app, net, e, time) {
  const c = net.find(e.target || '');
  if (!c || c.type !== 'channel') {
    info(app, net.server, t('event.userMode', { modes: e.modes || '', by: e.by || '' }), 'info', time);
    return;
  }
  status(app, c, { ev: 'mode', nick: e.by, text: e.modes }, time);
}
