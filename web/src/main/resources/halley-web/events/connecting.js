import { info } from '../state.js';
import { t } from '../i18n.js';

/** `connecting`: Halley is connecting the network (maybe queued behind others). */
export default function connecting(app, net, e, time, ui) {
  net.status = 'connecting';
  net.ahead = e.ahead || 0;
  if (ui.connectWaiting(net)) ui.connectProgress(net.ahead > 0 ? t('network.queued', { count: net.ahead }) : t('network.connecting', { network: net.name }));
  if (net.ahead > 0) info(app, net.server, t('network.queued', { count: net.ahead }), 'info', time);
}
