// An experiment file refused before anything ran: every problem found, each with its line and reason.
package io.flexnet.experiment;

import java.util.List;

/** Thrown when an experiment file cannot be run; {@link #problems()} has each problem with its place. */
public final class ExperimentFileException extends Exception {
    /** One problem: 1-based line and column (0 when unknown) and what is wrong. */
    public record Problem(int line, int column, String message) {
        @Override
        public String toString() {
            return (line > 0 ? "line " + line + (column > 0 ? ", column " + column : "") + ": " : "") + message;
        }
    }

    private final String source;
    private final List<Problem> problems;

    public ExperimentFileException(String source, List<Problem> problems) {
        super(render(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() { return source; }

    public List<Problem> problems() { return problems; }

    /** One problem on one line, {@code file:line: reason}; several under a line that counts them. */
    private static String render(String source, List<Problem> problems) {
        if (problems.size() == 1) return place(new StringBuilder(), source, problems.getFirst()).toString();
        StringBuilder sb = new StringBuilder(source).append(": ").append(problems.size()).append(" problems");
        for (Problem p : problems) place(sb.append(System.lineSeparator()).append("  "), source, p);
        return sb.toString();
    }

    private static StringBuilder place(StringBuilder sb, String source, Problem p) {
        sb.append(source);
        if (p.line() > 0) sb.append(':').append(p.line());
        return sb.append(": ").append(p.message());
    }
}
