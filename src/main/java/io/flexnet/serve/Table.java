// A table of named columns, printed aligned as ss and tc print theirs, or as JSON.
package io.flexnet.serve;

import java.util.ArrayList;
import java.util.List;

/** What a control view answers: rows of strings under named columns; numbers stay numbers in JSON. */
public final class Table {
    private final List<String> columns;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... columns) { this.columns = List.of(columns); }

    public Table row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(columns.size() + " columns, " + cells.length + " cells");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = String.valueOf(cells[i]);
        rows.add(r);
        return this;
    }

    public int rows() { return rows.size(); }

    /** Left-aligned columns, two spaces apart, header first. */
    public String text() {
        int[] w = new int[columns.size()];
        for (int c = 0; c < w.length; c++) w[c] = columns.get(c).length();
        for (String[] r : rows) for (int c = 0; c < w.length; c++) w[c] = Math.max(w[c], r[c].length());
        StringBuilder sb = new StringBuilder();
        line(sb, columns.toArray(String[]::new), w);
        for (String[] r : rows) line(sb, r, w);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            l.append(cells[c]);
            if (c + 1 < cells.length) l.append(" ".repeat(w[c] - cells[c].length() + 2));
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    /** An array of objects, one per row, keyed by column; cells that are integers are JSON numbers. */
    public String json() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            sb.append(i == 0 ? "\n  {" : ",\n  {");
            String[] r = rows.get(i);
            for (int c = 0; c < r.length; c++) {
                if (c > 0) sb.append(", ");
                string(sb, columns.get(c));
                sb.append(": ");
                if (r[c].matches("-?(0|[1-9][0-9]{0,17})")) sb.append(r[c]);
                else string(sb, r[c]);
            }
            sb.append('}');
        }
        return sb.append(rows.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch));
                    else sb.append(ch);
                }
            }
        }
        sb.append('"');
    }
}
