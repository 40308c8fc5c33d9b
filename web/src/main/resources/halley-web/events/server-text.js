import { addItem } from '../state.js';

/** `server-text`: the MOTD and other text from the server. */
export default function serverText(app, net, e, time) {
  addItem(app, net.server, { t: 'motd', from: e.from || '', text: e.text || '', time });
}
