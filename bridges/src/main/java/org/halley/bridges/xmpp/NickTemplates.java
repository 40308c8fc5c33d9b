package org.halley.bridges.xmpp;

import java.util.concurrent.ThreadLocalRandom;

/** Nickname templates of the bridge config ({@code guest???}, {@code {nick}_}). Pure but for the random digits. */
final class NickTemplates {
    private NickTemplates() {}

    /** {@code {nick}} becomes {@code wanted} (shortened so the result fits), each {@code ?} a random digit. */
    static String expand(String template, String wanted, int maxLength) {
        int fixed = template.replace("{nick}", "").length();
        String base = wanted.length() + fixed > maxLength ? wanted.substring(0, Math.max(1, maxLength - fixed)) : wanted;
        String t = template.replace("{nick}", base);
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(c == '?' ? (char) ('0' + ThreadLocalRandom.current().nextInt(10)) : c);
        }
        return b.toString();
    }
}
