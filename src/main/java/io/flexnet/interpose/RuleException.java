// A rule file refused: where (file and line) and why, in one line.
package io.flexnet.interpose;

/** Thrown by {@link RuleParser}; the message reads {@code FILE:LINE: problem}. */
public final class RuleException extends IllegalArgumentException {
    public RuleException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem);
    }
}
