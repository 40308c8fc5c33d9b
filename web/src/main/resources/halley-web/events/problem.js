import { info } from '../state.js';
import { t } from '../i18n.js';

/** `problem`: something the person asked for failed, with a code of docs/protocol.md. */
export default function problem(app, net, e, time, ui) {
  const where = (e.conversation && net.find(e.conversation)) || (app.current && app.current.network === net ? app.current : net.server);
  where.lastProblemAt = Date.now();
  if (ui.connectWaiting(net) && !net.everConnected) ui.connectError(problemText(e));
  info(app, where, problemText(e), 'problem', time);
}

export function problemText(e) {
  const known = t(`problem.${e.code}`);
  const label = known === `problem.${e.code}` ? t('problem.other') : known;
  const detail = [e.field, e.message].filter(Boolean).join(': ');
  return detail ? `${label}: ${detail}` : label;
}
