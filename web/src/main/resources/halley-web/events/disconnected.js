import { info } from '../state.js';
import { t } from '../i18n.js';

/** `disconnected`: the network is down; Halley retries in `retryIn` ms, or not (0). */
export default function disconnected(app, net, e, time, ui) {
  const wasWaiting = ui.connectWaiting(net) && !net.everConnected;
  net.status = e.retryIn > 0 ? 'reconnecting' : 'disconnected';
  net.retryAt = e.retryIn > 0 ? Date.now() + e.retryIn : 0;
  for (const c of net.convs.values()) { c.joined = false; c.members.clear(); app.touch('members', c); }
  // Said as {key, args}: rendered with the reason isolated in a <bdi> (see i18n.js tNodes).
  const args = { reason: reasonOf(e), seconds: Math.ceil(e.retryIn / 1000) };
  const line = { key: e.retryIn > 0 ? 'network.disconnectedRetry' : 'network.disconnected', args };
  info(app, net.server, line, 'problem', time, e.retryIn > 0 ? null : { label: t('network.reconnect'), run: () => ui.reconnect(net) });
  if (app.current && app.current.network === net && app.current !== net.server) info(app, app.current, line, 'problem', time);
  if (wasWaiting) ui.connectFailed(t(line.key, { ...args, reason: t(args.reason.key, args.reason.args) }));
  if (e.retryIn <= 0 && !net.wanted && !app.replaying) ui.endSessionIfIdle();
}

/**
 * Why, in the catalogue's words (from `code`; an unknown code is "Disconnected"), with the
 * network's own words (`reason`) beside them if it said any: as {key, args}, so the network's
 * text is rendered isolated (<bdi>) like every other value.
 */
export function reasonOf(e) {
  const key = `disconnect.${e.code}`;
  const label = e.code && t(key) !== key ? t(key) : t('disconnect.other');
  return e.reason ? { key: 'disconnect.serverSaid', args: { reason: label, text: e.reason } } : { key: 'disconnect.label', args: { reason: label } };
}
