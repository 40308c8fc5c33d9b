package org.halley.bridges.irc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads IRC lines from a socket with a small buffer: 512 bytes, grown for a long (tagged) line
 * and shrunk again after it, where a {@code BufferedReader} over an {@code InputStreamReader}
 * keeps 8 KiB of bytes and 16 KiB of chars per connection for its whole life. Lines end at LF
 * (a CR before it is dropped); a line is UTF-8 if it decodes as UTF-8, else Latin-1 (what older
 * clients on the same network send). A line longer than {@link #MAX_LINE_BYTES} is skipped.
 *
 * <p>Not thread-safe: owned by the connection's reader thread.
 */
final class IrcLineReader {
    /** IRCv3: 8191 bytes of tags, then a 512-byte message. */
    static final int MAX_LINE_BYTES = 8191 + 512;
    static final int INITIAL_BYTES = 512;

    private final InputStream in;
    private byte[] buf = new byte[INITIAL_BYTES];
    private int start;
    private int end;
    private boolean skipping;
    private CharsetDecoder utf8;

    IrcLineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its line end, or null at the end of the stream. */
    String readLine() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    int lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    String line = skipping ? null : decode(buf, start, lineEnd - start);
                    start = i + 1;
                    if (skipping) {
                        skipping = false;
                        scanned = start;
                        continue;
                    }
                    shrink();
                    return line;
                }
            }
            if (end - start >= MAX_LINE_BYTES) {
                skipping = true; // drop what we have of this line and everything up to its end
                start = end = 0;
            }
            makeRoom();
            scanned = end; // everything held has been looked at
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                return null;
            }
            end += n;
        }
    }

    private void makeRoom() {
        if (end < buf.length) {
            return;
        }
        int used = end - start;
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, used);
        } else {
            byte[] bigger = new byte[Math.min(MAX_LINE_BYTES + 1, buf.length * 2)];
            System.arraycopy(buf, start, bigger, 0, used);
            buf = bigger;
        }
        start = 0;
        end = used;
    }

    /** After a long line, go back to the small buffer once what is left fits in it. */
    private void shrink() {
        if (buf.length > INITIAL_BYTES && end - start <= INITIAL_BYTES / 2) {
            byte[] small = new byte[INITIAL_BYTES];
            System.arraycopy(buf, start, small, 0, end - start);
            buf = small;
            end -= start;
            start = 0;
        } else if (start == end) {
            start = end = 0;
        }
    }

    private String decode(byte[] b, int off, int len) {
        boolean ascii = true;
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(b, off, len));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
    }

    /** Bytes held now (for measuring memory per connection). */
    int capacity() {
        return buf.length;
    }
}
