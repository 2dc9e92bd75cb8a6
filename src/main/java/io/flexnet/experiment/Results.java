// Everything an experiment produced: the rows of the report, the raw runs behind them, and the machine they ran on.
package io.flexnet.experiment;

import java.util.List;

/** The outcome of {@link Runner#run}: report rows in design, then load order, and every run. */
public record Results(Experiment experiment, Machine machine, List<Row> rows, List<RunResult> runs, long wallNanos) {
    public Results {
        rows = List.copyOf(rows);
        runs = List.copyOf(runs);
    }

    /** The rows of one design, in load order. */
    public List<Row> rows(String design) {
        return rows.stream().filter(r -> r.design().equals(design)).toList();
    }
}
