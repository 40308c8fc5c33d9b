import { info } from '../state.js';

/** `connected`: the network is up as `nick` (XMPP: also `address`); names compare by its `casemapping`. */
export default function connected(app, net, e, time, ui) {
  const again = net.status === 'connected' && net.nick === e.nick; // a refresh of what the page knows
  if (e.casemapping) net.setCasemapping(e.casemapping);
  net.status = 'connected';
  net.nick = e.nick;
  net.address = e.address || '';
  net.everConnected = true;
  const said = e.address ? { key: 'network.connectedWithAddress', args: { network: net.name, nick: { nick: e.nick }, address: e.address } }
    : { key: 'network.connected', args: { network: net.name, nick: { nick: e.nick } } };
  if (!again) info(app, net.server, said, 'info', time);
  if (!app.chatShown || ui.connectWaiting(net)) ui.showNetwork(net);
}
