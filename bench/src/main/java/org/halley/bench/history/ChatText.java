package org.halley.bench.history;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chat-like lines for the history benchmark: words drawn from a vocabulary of common English words
 * and made-up ones with a Zipf distribution (a few words are everywhere, most are rare, as in real
 * chat), 2 to 20 words a line, from a few hundred nicks. Deterministic for a seed.
 */
final class ChatText {
    private static final String COMMON = """
            the be to of and a in that have i it for not on with he as you do at this but his by from they we say her
            she or an will my one all would there their what so up out if about who get which go me when make can like
            time no just him know take people into year your good some could them see other than then now look only
            come its over think also back after use two how our work first well way even new want because any these
            give day most us is was are been has had were said did got yes yeah ok okay lol thanks thank please sorry
            hi hello hey bye night morning later today tomorrow yesterday build test tests release bug fix patch merge
            branch commit push pull server client channel network message join part quit nick topic mode kick ban op
            voice irc xmpp jabber room chat log logs history search page browser socket proxy gateway cluster node
            database sqlite postgres query index table row column cursor java maven netty thread loop event queue
            latency memory cpu disk config yaml docker deploy debian linux kernel package version upgrade error crash
            works broken slow fast weird issue ticket review docs readme wiki link url http https tls cert password
            account login user users admin ping pong timeout reconnect connect connected disconnected lag netsplit
            """;

    final List<String> vocabulary = new ArrayList<>();
    private final double[] cumulative;
    private final String[] nicks;

    ChatText(int vocabularySize, int nickCount, long seed) {
        for (String w : COMMON.split("\\s+")) {
            if (!w.isBlank() && !vocabulary.contains(w)) {
                vocabulary.add(w);
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        String[] syllables = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "do", "fu", "gi", "ha", "jo",
            "pe", "qu", "ri", "so", "tu", "ve", "wa", "xi", "yo", "zu", "an", "el", "in", "on", "ur"};
        while (vocabulary.size() < vocabularySize) {
            int n = 2 + r.nextInt(3);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append(syllables[r.nextInt(syllables.length)]);
            }
            if (!vocabulary.contains(b.toString())) {
                vocabulary.add(b.toString());
            }
        }
        cumulative = new double[vocabulary.size()];
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += 1.0 / Math.pow(i + 1, 1.07);
            cumulative[i] = sum;
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= sum;
        }
        nicks = new String[nickCount];
        for (int i = 0; i < nickCount; i++) {
            nicks[i] = vocabulary.get(50 + r.nextInt(vocabulary.size() - 50)) + (i % 7 == 0 ? "_" : "") + i;
        }
    }

    String word(SplittableRandom r) {
        double u = r.nextDouble();
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return vocabulary.get(lo);
    }

    String line(SplittableRandom r) {
        int n = 2 + r.nextInt(19);
        StringBuilder b = new StringBuilder(n * 6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(r.nextInt(12) == 0 ? ", " : " ");
            }
            b.append(word(r));
        }
        if (r.nextInt(5) == 0) {
            b.append(r.nextBoolean() ? "?" : "!");
        }
        return b.toString();
    }

    String nick(SplittableRandom r) {
        return nicks[r.nextInt(nicks.length)];
    }
}
