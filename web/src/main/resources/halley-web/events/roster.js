/** `roster`: the person's XMPP contacts. */
export default function roster(app, net, e) {
  net.roster = new Map((e.contacts || []).map(c => [net.fold(c.address), { ...c }]));
  app.touch('sidebar');
}
