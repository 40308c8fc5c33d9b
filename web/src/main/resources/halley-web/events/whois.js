import { addItem } from '../state.js';

/** `whois`: the answer shows where the person asked (the open conversation), else with that person. */
export default function whois(app, net, e, time) {
  const target = (app.current && app.current.network === net ? app.current : null) || net.find(e.nick || '') || net.server;
  addItem(app, target, { t: 'whois', data: e, time });
}
