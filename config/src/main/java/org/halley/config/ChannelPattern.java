package org.halley.config;

/**
 * A glob over channel or room names: {@code *} any run, {@code ?} one character, compared without
 * regard to ASCII case ({@code #Halley} matches {@code #halley*}).
 */
public record ChannelPattern(String glob) {

    public ChannelPattern {
        if (glob.isEmpty()) {
            throw new IllegalArgumentException("glob: empty");
        }
    }

    /** Iterative wildcard match with one backtrack point: linear in practice, no regex. */
    public boolean matches(String name) {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.length()) {
            if (p < glob.length() && (glob.charAt(p) == '?' || same(glob.charAt(p), name.charAt(n)))) {
                p++;
                n++;
            } else if (p < glob.length() && glob.charAt(p) == '*') {
                star = p++;
                mark = n;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < glob.length() && glob.charAt(p) == '*') {
            p++;
        }
        return p == glob.length();
    }

    private static boolean same(char a, char b) {
        return a == b || (a < 128 && b < 128 && Character.toLowerCase(a) == Character.toLowerCase(b));
    }

    @Override
    public String toString() {
        return glob;
    }
}
