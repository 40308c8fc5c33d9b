import { status, addItem } from '../state.js';

/** `topic`: a channel's topic, with a join ("Topic: …") or changed later. */
export default function topic(app, net, e, time) {
  const c = net.conv(e.channel, 'channel');
  const known = c.resync && c.topic && c.topic.text === (e.topic || '') && c.topic.setBy === (e.setBy || '');
  c.resync = false;
  c.topic = { text: e.topic || '', setBy: e.setBy || '', setAt: e.setAt ? new Date(e.setAt) : null };
  // IRC sends the topic before the names that end the join; an XMPP room sends its subject once
  // after joining. One said again by a refresh that the page already has is not shown again.
  const initial = net.kind === 'xmpp' ? !c.topicShown : !c.topicSeen;
  c.topicSeen = c.topicShown = true;
  if (known) {
    // nothing new
  } else if (initial) {
    if (c.topic.text) addItem(app, c, { t: 'info', level: 'info', topic: c.topic, time });
  } else {
    status(app, c, { ev: 'topic', nick: e.setBy, text: e.topic }, time);
  }
  app.touch('header', c);
}
