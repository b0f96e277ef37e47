package dev.fyntr.transport.nio.internal.net;

/**
 * Makes untrusted client text safe to put into a log line or a response: the result is printable ASCII only
 * (0x20-0x7E), so a client cannot forge log lines (CR, LF), move the terminal cursor (ESC) or smuggle look-alike
 * Unicode. Pure functions, any thread.
 */
public final class LogSafe {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogSafe() {
    }

    /**
     * The text in double quotes, with {@code \} and {@code "} escaped by a backslash, tab/CR/LF as {@code \t \r \n},
     * other control characters as {@code \xNN} and non-ASCII characters as {@code \}{@code uNNNN}. When the text is
     * longer than {@code maxLen} characters, only the first {@code maxLen} are shown and {@code ...} follows the
     * closing quote, e.g. {@code "GET /aaaa"...}. {@code null} gives {@code null} (unquoted).
     */
    public static String quote(CharSequence text, int maxLen) {
        if (text == null) {
            return "null";
        }
        int shown = Math.min(text.length(), Math.max(0, maxLen));
        StringBuilder sb = new StringBuilder(shown + 8).append('"');
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                sb.append("\\u").append(HEX[c >>> 12]).append(HEX[(c >>> 8) & 0xF])
                        .append(HEX[(c >>> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                appendAscii(sb, c);
            }
        }
        sb.append('"');
        return shown < text.length() ? sb.append("...").toString() : sb.toString();
    }

    /** {@link #quote(CharSequence, int)} for raw bytes: bytes 0x80-0xFF are written {@code \xNN}. */
    public static String quote(byte[] bytes, int offset, int length, int maxLen) {
        if (bytes == null) {
            return "null";
        }
        int shown = Math.min(length, Math.max(0, maxLen));
        StringBuilder sb = new StringBuilder(shown + 8).append('"');
        for (int i = 0; i < shown; i++) {
            int b = bytes[offset + i] & 0xFF;
            if (b >= 0x80) {
                sb.append("\\x").append(HEX[b >>> 4]).append(HEX[b & 0xF]);
            } else {
                appendAscii(sb, (char) b);
            }
        }
        sb.append('"');
        return shown < length ? sb.append("...").toString() : sb.toString();
    }

    /** {@link #quote(byte[], int, int, int)} over the whole array. */
    public static String quote(byte[] bytes, int maxLen) {
        return bytes == null ? "null" : quote(bytes, 0, bytes.length, maxLen);
    }

    /**
     * Replaces every character outside printable ASCII by its escape (as {@link #quote}), leaving everything
     * else, backslashes included, alone. For text we wrote ourselves that may embed something odd; unlike
     * {@code quote} it is idempotent on text that is already safe.
     */
    public static String sanitize(String text) {
        if (text == null) {
            return "";
        }
        int i = 0;
        while (i < text.length() && isPrintableAscii(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isPrintableAscii(c)) {
                sb.append(c);
            } else if (c >= 0x80) {
                sb.append("\\u").append(HEX[c >>> 12]).append(HEX[(c >>> 8) & 0xF])
                        .append(HEX[(c >>> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                appendAscii(sb, c);
            }
        }
        return sb.toString();
    }

    public static boolean isPrintableAscii(char c) {
        return c >= 0x20 && c < 0x7F;
    }

    private static void appendAscii(StringBuilder sb, char c) {
        switch (c) {
            case '\\' -> sb.append("\\\\");
            case '"' -> sb.append("\\\"");
            case '\t' -> sb.append("\\t");
            case '\r' -> sb.append("\\r");
            case '\n' -> sb.append("\\n");
            default -> {
                if (c < 0x20 || c == 0x7F) {
                    sb.append("\\x").append(HEX[c >>> 4]).append(HEX[c & 0xF]);
                } else {
                    sb.append(c);
                }
            }
        }
    }
}
