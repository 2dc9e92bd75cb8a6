package io.flexnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One file of the main sources as the architecture test reads it: its package, and its code with
 * comments and string and character literals blanked out, so that a word in a comment or a message
 * is not taken for a reference. Blanking keeps every offset and line break, so a match still has
 * its line number.
 *
 * <p>Reading the sources rather than the class files keeps the test independent of any bytecode
 * library's support for the newest class-file version.
 */
record MainSource(String path, String pkg, String code) {
    static final Path ROOT = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    /** Every {@code .java} file under src/main/java, package-info included. */
    static List<MainSource> all() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().map(MainSource::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MainSource read(Path file) {
        try {
            String text = Files.readString(file);
            String code = blankCommentsAndLiterals(text);
            Matcher m = PACKAGE.matcher(code);
            String pkg = m.find() ? m.group(1) : "";
            return new MainSource(ROOT.relativize(file).toString().replace('\\', '/'), pkg, code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The package below {@code io.flexnet.}: {@code sched.affinity} for io.flexnet.sched.affinity. */
    String part() { return pkg.startsWith("io.flexnet.") ? pkg.substring("io.flexnet.".length()) : pkg; }

    boolean isPackageInfo() { return path.endsWith("/package-info.java"); }

    /** 1-based line of an offset into {@link #code}. */
    int lineOf(int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) if (code.charAt(i) == '\n') line++;
        return line;
    }

    /** The code with every plain (not static) import statement blanked too. */
    String codeWithoutTypeImports() {
        Matcher m = Pattern.compile("^\\s*import\\s+(?!static\\b)[\\w.*\\s]+;", Pattern.MULTILINE).matcher(code);
        StringBuilder sb = new StringBuilder(code);
        while (m.find()) for (int i = m.start(); i < m.end(); i++) if (sb.charAt(i) != '\n') sb.setCharAt(i, ' ');
        return sb.toString();
    }

    /**
     * Replaces the insides of comments, string literals, text blocks and character literals with
     * spaces, keeping line breaks. Enough of Java's lexical grammar for well-formed sources.
     */
    static String blankCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s);
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                int end = s.indexOf('\n', i);
                i = blank(out, i, end < 0 ? n : end);
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = blank(out, i, end < 0 ? n : end + 2);
            } else if (s.startsWith("\"\"\"", i)) {
                int j = i + 3;
                while (j < n && !s.startsWith("\"\"\"", j)) j += s.charAt(j) == '\\' ? 2 : 1;
                i = blank(out, i, Math.min(n, j + 3));
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c && s.charAt(j) != '\n') j += s.charAt(j) == '\\' ? 2 : 1;
                i = blank(out, i, Math.min(n, j + 1));
            } else {
                i++;
            }
        }
        return out.toString();
    }

    private static int blank(StringBuilder out, int from, int to) {
        for (int k = from; k < to; k++) if (out.charAt(k) != '\n') out.setCharAt(k, ' ');
        return to;
    }
}
