package org.halley.gateway.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the soak saw, judged. The rules:
 *
 * <ul>
 *   <li><b>Accepted</b>: a line the gateway took and wrote upstream, known by its sender getting it
 *       back as its own {@code self} message (IRC: written to the server; XMPP: reflected by the
 *       room). <b>Rejected</b>: answered with a {@code problem} instead (e.g. {@code
 *       not-connected} while the server is down): the sender was told, nothing is owed.
 *       <b>Unconfirmed</b>: no answer at all (the server died under it, or the sender's session
 *       was reset): nothing is owed either, and receivers that got it anyway are fine.
 *   <li>An accepted line is <b>owed</b> to every other browser of its group that was in the
 *       channel (room) when it was echoed: from that browser's own {@code joined} to its {@code
 *       disconnected} (or the last event before its session was reset), by the gateway's clock,
 *       with {@code margin} on both sides (a server killed, a join, a drain are not instants
 *       across processes). Owed and not received live (nor as room history, which XMPP replays on
 *       a rejoin) is <b>lost</b>.
 *   <li>A line received twice live is a <b>duplicate</b>; a line of a sender received after a
 *       later one of the same sender is <b>out of order</b>; an event whose {@code seq} skips
 *       without a {@code reset} is a <b>gap</b>. Explicit resets ({@code reset}, or a new
 *       session after 403/4403, as after a drain) are counted, not failures.
 *   <li>Resources, each node after a full GC, summed over the nodes (the drained node is a new
 *       process at the end, and its browsers are elsewhere, so per-node figures move; sums
 *       compare the same 3 processes' worth of the same browsers): open files at most 10 % + 30
 *       more, live heap at most 25 % + 32 MiB more (the resume buffers fill up to their bound as
 *       the run goes on), resident memory at most 160 MiB more (the heap is fixed and pre-touched,
 *       so this is native growth: JIT code, metaspace, thread stacks), threads at most 30 more.
 * </ul>
 *
 * The soak fails on any loss, duplicate, reordering or gap, on any protocol error the browsers
 * saw, on resource growth beyond the tolerances, if a browser was not back in its channel and room
 * at the end, or if too little was judged to mean anything.
 */
final class SoakVerdict {
    private final Soak soak;
    private final Map<String, SoakCluster.NodeStats> start;
    private final Map<String, SoakCluster.NodeStats> end;
    private final List<String> failures = new ArrayList<>();
    private final StringBuilder report = new StringBuilder();
    private final StringBuilder perSession = new StringBuilder();

    long owed;
    long deliveredLive;
    long deliveredByHistory;
    long lost;
    long notJudged;
    final Map<SoakBrowser.Outcome, Long> outcomes = new EnumMap<>(SoakBrowser.Outcome.class);

    SoakVerdict(Soak soak, Map<String, SoakCluster.NodeStats> start, Map<String, SoakCluster.NodeStats> end, String lbEnd, String loadBefore,
            String loadAfter, double wallSeconds) {
        this.soak = soak;
        this.start = start;
        this.end = end;
        failures.addAll(soak.failures);
        judgeDelivery();
        judgeResources();
        write(lbEnd, loadBefore, loadAfter, wallSeconds);
    }

    boolean passed() {
        return failures.isEmpty();
    }

    String report() {
        return report.toString();
    }

    String perSession() {
        return perSession.toString();
    }

    List<String> failures() {
        return failures;
    }

    private void judgeDelivery() {
        Duration margin = Duration.ofMillis(soak.params.marginMillis());
        List<String> lostSamples = new ArrayList<>();
        for (SoakBrowser sender : soak.browsers) {
            for (boolean irc : new boolean[] {true, false}) {
                SoakBrowser.Net out = irc ? sender.irc : sender.xmpp;
                for (SoakBrowser.Said s : out.said) {
                    outcomes.merge(s.outcome, 1L, Long::sum);
                    if (s.outcome != SoakBrowser.Outcome.ACCEPTED) {
                        continue;
                    }
                    for (SoakBrowser r : soak.browsers) {
                        if (r == sender || r.group != sender.group) {
                            continue;
                        }
                        SoakBrowser.Net in = irc ? r.irc : r.xmpp;
                        if (!member(in, s.echoed, margin)) {
                            notJudged++;
                            continue;
                        }
                        owed++;
                        if (in.liveSet.getOrDefault(sender.id, Set.of()).contains(s.k)) {
                            deliveredLive++;
                        } else if (in.history.getOrDefault(sender.id, Set.of()).contains(s.k)) {
                            deliveredByHistory++;
                        } else {
                            lost++;
                            if (lostSamples.size() < 20) {
                                lostSamples.add(out.name + " line " + s.k + " of browser " + sender.id + " (echoed " + s.echoed + ") not received by "
                                        + r + " (memberships " + in.memberships + ")");
                            }
                        }
                    }
                }
            }
        }
        if (lost > 0) {
            failures.add(lost + " owed lines lost, e.g.: " + String.join("; ", lostSamples));
        }
        long minimum = 10L * soak.browsers.size();
        if (owed < minimum) {
            failures.add("only " + owed + " deliveries were owed (at least " + minimum + " needed for the soak to mean anything)");
        }
        for (SoakBrowser b : soak.browsers) {
            for (SoakBrowser.Net n : List.of(b.irc, b.xmpp)) {
                if (!b.listenOnly && n.said.stream().noneMatch(s -> s.outcome == SoakBrowser.Outcome.ACCEPTED)) {
                    failures.add(b + " had no " + n.name + " line accepted");
                }
            }
        }
    }

    private static boolean member(SoakBrowser.Net in, Instant t, Duration margin) {
        for (SoakBrowser.Membership m : in.memberships) {
            if (!t.isBefore(m.from().plus(margin)) && !t.isAfter(m.to().minus(margin))) {
                return true;
            }
        }
        return false;
    }

    private long sum(Map<String, SoakCluster.NodeStats> m, java.util.function.ToLongFunction<SoakCluster.NodeStats> f) {
        return m.values().stream().mapToLong(f).sum();
    }

    private void judgeResources() {
        long fd0 = sum(start, SoakCluster.NodeStats::fds);
        long fd1 = sum(end, SoakCluster.NodeStats::fds);
        if (fd1 > fd0 * 1.10 + 30) {
            failures.add("open files grew from " + fd0 + " to " + fd1 + " (tolerance 10 % + 30)");
        }
        long heap0 = sum(start, SoakCluster.NodeStats::heapKiB);
        long heap1 = sum(end, SoakCluster.NodeStats::heapKiB);
        if (heap1 > heap0 * 1.25 + 32 * 1024) {
            failures.add("live heap grew from " + heap0 / 1024 + " MiB to " + heap1 / 1024 + " MiB (tolerance 25 % + 32 MiB)");
        }
        long rss0 = sum(start, SoakCluster.NodeStats::rssKiB);
        long rss1 = sum(end, SoakCluster.NodeStats::rssKiB);
        if (rss1 > rss0 + 160 * 1024) {
            failures.add("resident memory grew from " + rss0 / 1024 + " MiB to " + rss1 / 1024 + " MiB (tolerance 160 MiB)");
        }
        long th0 = sum(start, SoakCluster.NodeStats::threads);
        long th1 = sum(end, SoakCluster.NodeStats::threads);
        if (th1 > th0 + 30) {
            failures.add("threads grew from " + th0 + " to " + th1 + " (tolerance 30)");
        }
    }

    private void write(String lbEnd, String loadBefore, String loadAfter, double wallSeconds) {
        Soak.Params p = soak.params;
        List<SoakBrowser> bs = soak.browsers;
        StringBuilder r = report;
        r.append(String.format(Locale.ROOT, "SOAK %s: %d browsers, %.0f s of chaos (%d IRC restarts, %d XMPP restarts, %d cuts, %d drain), wall %.0f s%n",
                passed() ? "PASSED" : "FAILED", bs.size(), p.chaosSeconds(), p.ircRestarts(), p.xmppRestarts(), p.cuts(), p.drains(), wallSeconds));
        r.append("load average before: ").append(loadBefore).append("; after: ").append(loadAfter).append('\n');
        long said = outcomes.values().stream().mapToLong(Long::longValue).sum();
        r.append(String.format(Locale.ROOT, "lines said %d: accepted %d, rejected %d (told), unconfirmed %d (no answer)%n", said,
                outcomes.getOrDefault(SoakBrowser.Outcome.ACCEPTED, 0L), outcomes.getOrDefault(SoakBrowser.Outcome.REJECTED, 0L),
                outcomes.getOrDefault(SoakBrowser.Outcome.UNCONFIRMED, 0L)));
        Map<String, Integer> rejected = new TreeMap<>();
        for (SoakBrowser b : bs) {
            for (SoakBrowser.Net n : List.of(b.irc, b.xmpp)) {
                n.said.stream().filter(s -> s.outcome != SoakBrowser.Outcome.ACCEPTED)
                        .forEach(s -> rejected.merge(n.name + " " + s.outcome.name().toLowerCase(Locale.ROOT) + " " + s.code, 1, Integer::sum));
            }
        }
        r.append("  not accepted, by network, outcome and code: ").append(rejected).append('\n');
        r.append(String.format(Locale.ROOT, "deliveries owed %d: received live %d, via room history %d, LOST %d; not judged (within %d ms of a membership change) %d%n",
                owed, deliveredLive, deliveredByHistory, lost, p.marginMillis(), notJudged));
        long received = bs.stream().mapToLong(b -> b.irc.received + b.xmpp.received).sum();
        r.append(String.format(Locale.ROOT, "chat lines received live %d, as history %d; DUPLICATES %d, OUT OF ORDER %d; push events %d, SEQ GAPS %d, "
                + "replayed events ignored by seq %d%n", received, bs.stream().mapToLong(b -> b.irc.historyReceived + b.xmpp.historyReceived).sum(),
                bs.stream().mapToLong(b -> b.irc.duplicates + b.xmpp.duplicates).sum(),
                bs.stream().mapToLong(b -> b.irc.reordered + b.xmpp.reordered).sum(), bs.stream().mapToLong(b -> b.events).sum(),
                bs.stream().mapToLong(b -> b.seqGaps).sum(), bs.stream().mapToLong(b -> b.pushDuplicatesIgnored).sum()));
        r.append(String.format(Locale.ROOT, "explicit resets: %d new sessions (%d after going-away, the rest after 410/403), %d reset messages; cuts %d (%d onto another transport); "
                + "connections %d; stalls found by the client watchdog %d; late echoes %d%n",
                bs.stream().mapToInt(b -> b.renewals).sum(), bs.stream().mapToInt(b -> b.movedAway).sum(), bs.stream().mapToInt(b -> b.resets).sum(), bs.stream().mapToInt(b -> b.cuts).sum(),
                bs.stream().mapToInt(b -> b.transportSwitches).sum(), bs.stream().mapToInt(b -> b.connections).sum(),
                bs.stream().mapToInt(b -> b.stalls).sum(), bs.stream().mapToLong(b -> b.lateEchoes).sum()));
        r.append("recoveries (ms): \n");
        new TreeMap<>(soak.recoveries).forEach((kind, ms) -> {
            List<Long> s = new ArrayList<>(ms);
            s.sort(null);
            r.append(String.format(Locale.ROOT, "  %-13s n=%-5d p50 %6d  p99 %6d  max %6d%n", kind, s.size(), pct(s, 50), pct(s, 99),
                    s.isEmpty() ? 0 : s.get(s.size() - 1)));
        });
        r.append("nodes (after a full GC; n").append("x restarted after its drain is a new process):\n");
        for (String n : start.keySet()) {
            r.append("  start ").append(start.get(n)).append('\n');
            r.append("  end   ").append(end.get(n)).append('\n');
        }
        r.append(String.format(Locale.ROOT, "  sums: fds %d -> %d, heap %.1f -> %.1f MiB, RSS %.1f -> %.1f MiB, threads %d -> %d%n",
                sum(start, SoakCluster.NodeStats::fds), sum(end, SoakCluster.NodeStats::fds), sum(start, SoakCluster.NodeStats::heapKiB) / 1024.0,
                sum(end, SoakCluster.NodeStats::heapKiB) / 1024.0, sum(start, SoakCluster.NodeStats::rssKiB) / 1024.0,
                sum(end, SoakCluster.NodeStats::rssKiB) / 1024.0, sum(start, SoakCluster.NodeStats::threads), sum(end, SoakCluster.NodeStats::threads)));
        r.append("  ").append(lbEnd).append('\n');
        r.append("timeline:\n");
        soak.timeline.forEach(t -> r.append("  ").append(t).append('\n'));
        if (!failures.isEmpty()) {
            r.append("FAILURES (").append(failures.size()).append("):\n");
            failures.stream().limit(40).forEach(f -> r.append("  ").append(f).append('\n'));
        }
        perSession.append("per browser: id transport(start) sessions cuts | irc said acc/rej/unc recv live/hist lost dup ooo | xmpp same | events gaps\n");
        for (SoakBrowser b : bs) {
            perSession.append(String.format(Locale.ROOT, "  %3d %-13s s%d c%-3d | irc %s | xmpp %s | ev %d gaps %d%n", b.id,
                    (b.listenOnly ? "chromium/" : "") + b.initial.wireName,
                    b.sessionsCreated, b.cuts, net(b, b.irc), net(b, b.xmpp), b.events, b.seqGaps));
        }
    }

    private String net(SoakBrowser b, SoakBrowser.Net n) {
        long acc = n.said.stream().filter(s -> s.outcome == SoakBrowser.Outcome.ACCEPTED).count();
        long rej = n.said.stream().filter(s -> s.outcome == SoakBrowser.Outcome.REJECTED).count();
        long unc = n.said.size() - acc - rej;
        long lostHere = 0;
        Duration margin = Duration.ofMillis(soak.params.marginMillis());
        for (SoakBrowser sender : soak.browsers) {
            if (sender == b || sender.group != b.group) {
                continue;
            }
            SoakBrowser.Net out = n.name.equals("irc") ? sender.irc : sender.xmpp;
            for (SoakBrowser.Said s : out.said) {
                if (s.outcome == SoakBrowser.Outcome.ACCEPTED && member(n, s.echoed, margin)
                        && !n.liveSet.getOrDefault(sender.id, Set.of()).contains(s.k) && !n.history.getOrDefault(sender.id, Set.of()).contains(s.k)) {
                    lostHere++;
                }
            }
        }
        return String.format(Locale.ROOT, "%3d %3d/%2d/%2d recv %5d/%3d lost %d dup %d ooo %d", n.said.size(), acc, rej, unc, n.received,
                n.historyReceived, lostHere, n.duplicates, n.reordered);
    }

    private static long pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
