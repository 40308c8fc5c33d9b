// One handler per server event type (docs/protocol.md, "Chat events"). A handler updates the
// page's state (state.js) and asks the page (`ui`) for what only the page can do: select a
// conversation, alert, update the connect screen. Handlers never touch the DOM, so they run, and
// are tested, without one.
import { Network } from '../state.js';
import connecting from './connecting.js';
import connected from './connected.js';
import disconnected from './disconnected.js';
import message from './message.js';
import joined from './joined.js';
import parted from './parted.js';
import quit from './quit.js';
import nick from './nick.js';
import topic from './topic.js';
import members from './members.js';
import member from './member.js';
import mode from './mode.js';
import invited from './invited.js';
import presence from './presence.js';
import account from './account.js';
import roster from './roster.js';
import whois from './whois.js';
import serverText from './server-text.js';
import problem from './problem.js';

export const HANDLERS = {
  connecting, connected, disconnected, message, joined, parted, kicked: parted, banned: parted, quit, nick, topic,
  members, member, mode, invited, presence, account, roster, whois, 'server-text': serverText, problem,
};

/**
 * Events that only change a conversation (its lines, its members) and say so themselves: the
 * side list and header are not redrawn for each of them (a flood of lines is only lines).
 */
const CONVERSATION_ONLY = new Set(['message', 'members', 'member', 'quit', 'mode', 'whois', 'server-text', 'account']);

/** Events that change what a reload restores (the session stored in this tab). */
const STORED = new Set(['connected', 'joined', 'parted', 'kicked', 'banned', 'nick']);

/** Handles one event of the push session. */
export function handleEvent(app, e, ui) {
  if (!e || typeof e !== 'object') return;
  let net = app.networks.get(e.network);
  if (!net) {
    if (e.type === 'problem') { ui.problemWithoutNetwork(e); return; }
    if (!e.network) return;
    net = new Network(e.network, app.info.find(n => n.name === e.network));
    app.networks.set(e.network, net);
  }
  const handler = HANDLERS[e.type];
  if (!handler) return; // an event this page does not know yet
  handler(app, net, e, new Date(e.time || Date.now()), ui);
  if (net.added) { net.added = false; app.touch('sidebar'); }
  if (STORED.has(e.type)) ui.saveSession();
  if (!CONVERSATION_ONLY.has(e.type)) app.touch('network', net);
}
