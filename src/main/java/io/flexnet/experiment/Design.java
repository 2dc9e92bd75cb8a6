// What an experiment compares: a named way of assembling the stack, built fresh for every run.
package io.flexnet.experiment;

/**
 * A stack design under test. An experiment file names one either as a built-in ({@code builtin:
 * run-to-completion}) or as a class ({@code class: com.example.MyDesign}) with a public no-argument
 * constructor, found on the class path ({@code flexnet run --classpath DIR_OR_JAR}). For every run
 * (each load point and repetition) the runner makes a new instance, calls {@link #configure} with the
 * file's {@code params:}, then {@link #assemble} on a fresh stack; the runner starts the engine, offers
 * the workload, and shuts everything down.
 *
 * <p>{@link #configure} is also called once when the file is checked, before anything runs: throw
 * {@link ParamException} (the {@link Params} getters do) to refuse a bad parameter with its line.
 *
 * <pre>{@code
 * // Listing 1 in a few lines: requests wait in one queue served by N sleeping workers,
 * // which run the request server at yield() and send the reply from the same buffer.
 * public final class SharedQueue implements Design {
 *     private int workers;
 *
 *     public void configure(Params p) { workers = p.integer("workers", 2, 1, 16); }
 *
 *     public void assemble(DesignContext ctx) {
 *         Engine e = ctx.engine();
 *         ctx.bindRequestPorts();
 *         CoroutineQueue q = e.queue("requests", 4096, CoroutineQueue.Concurrency.MPMC);
 *         Pipeline p = e.rxTx("shared").queue(x -> 0, q).eth().ip().l4()
 *                 .yieldTo(ctx.server()).l4().ip().eth().build();
 *         e.poll(0, p, 32, "nic", new SleepUntilKicked());
 *         for (int i = 0; i < workers; i++) e.worker("w" + i, new SleepUntilKicked(), new RoundRobinExecutor(16, q));
 *     }
 * }
 * }</pre>
 */
public interface Design {
    /** Reads and checks parameters (every one given must be read, or it is reported as unknown). */
    default void configure(Params params) {}

    /** Builds the stack for one run on {@code ctx}: pipelines, queues, workers, applications, ports. */
    void assemble(DesignContext ctx) throws Exception;

    /** One line for the report saying what this design is, with its parameters. */
    default String summary() { return getClass().getSimpleName(); }
}
