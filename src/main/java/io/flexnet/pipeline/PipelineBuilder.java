package io.flexnet.pipeline;

import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a pipeline the way the paper's listings read, and verifies it at {@link #build()}.
 *
 * <pre>{@code
 * // Listing 1: park every frame before L2 in a queue chosen by destination port.
 * Pipeline rx = PipelineBuilder.rx("listing1", stack::layer)
 *         .queue(byPort, highQueue, lowQueue)
 *         .eth().ip().l4().socket()
 *         .build();
 *
 * // Listing 4: the application thread runs socket_send; a stack worker runs the rest.
 * Pipeline tx = PipelineBuilder.tx("listing4", stack::layer)
 *         .socket().queue(p -> 0, txQueue).l4().ip().eth()
 *         .build();
 *
 * // Listing 5: run to completion, answer in place.
 * Pipeline rtc = PipelineBuilder.rxTx("listing5", stack::layer)
 *         .queue(p -> 0, q).eth().ip().l4().yieldTo(app).l4().ip().eth()
 *         .build();
 * }</pre>
 *
 * {@code eth()}, {@code ip()}, {@code l4()} and {@code socket()} name a level; each call takes the next
 * layer of that level in the template (receive before send). {@link #layer(Layer)} inserts a specific
 * layer instance, e.g. a wrapped one. The builder resolves levels to layers; the verifier
 * ({@code PipelineVerifier}, with each step checking its own place) then refuses, naming the step: a
 * layer foreign to the template, a layer twice or missing, layers out of protocol order, two suspension
 * points with no layer between them or one after the last layer, a {@code yield()} anywhere but between
 * the receive and send halves of an Rx+Tx pipeline, a queue point without a selector or queues.
 */
public final class PipelineBuilder {
    private enum Level { ETH, IP, L4, SOCKET }

    /** One requested step: a step already made, or a level whose layer build() resolves. */
    private record Req(Level level, Step step) {}

    private final String name;
    private final Template template;
    private final Function<LayerKind, Layer> layers;
    private final List<Req> reqs = new ArrayList<>();
    private boolean compile = !Boolean.getBoolean("flexnet.pipeline.interpret");
    private Path dump = dumpProperty();

    private PipelineBuilder(String name, Template template, Function<LayerKind, Layer> layers) {
        this.name = Objects.requireNonNull(name, "name");
        this.template = Objects.requireNonNull(template, "template");
        this.layers = layers;
    }

    /** A pipeline of {@code template} whose levels are filled from {@code layers} (e.g. a stack's). */
    public static PipelineBuilder of(String name, Template template, Function<LayerKind, Layer> layers) {
        return new PipelineBuilder(name, template, layers);
    }

    public static PipelineBuilder rx(String name, Function<LayerKind, Layer> layers) {
        return of(name, Template.RX, layers);
    }

    public static PipelineBuilder tx(String name, Function<LayerKind, Layer> layers) {
        return of(name, Template.TX, layers);
    }

    public static PipelineBuilder rxTx(String name, Function<LayerKind, Layer> layers) {
        return of(name, Template.RX_TX, layers);
    }

    /** A pipeline for datagrams the stack originates (ICMP, later TCP's control segments); see {@link Template#ORIGIN}. */
    public static PipelineBuilder origin(String name, Function<LayerKind, Layer> layers) {
        return of(name, Template.ORIGIN, layers);
    }

    public PipelineBuilder eth() { return level(Level.ETH); }
    public PipelineBuilder ip() { return level(Level.IP); }
    public PipelineBuilder l4() { return level(Level.L4); }
    public PipelineBuilder socket() { return level(Level.SOCKET); }

    /** Inserts this exact layer; its {@link Layer#kind()} says where it belongs. */
    public PipelineBuilder layer(Layer layer) {
        return step(new LayerStep(Objects.requireNonNull(layer, "layer")));
    }

    /** {@code co_await queue_insert(ctx, selector(ctx))}: park in {@code queues[selector(p)]}. */
    public PipelineBuilder queue(Selector selector, CoroutineQueue... queues) {
        return step(new QueueStep(selector, queues == null ? new CoroutineQueue[0] : queues.clone()));
    }

    /** {@code co_yield()}: hand the request to {@code app}; it answers in place. */
    public PipelineBuilder yieldTo(Application app) {
        return step(new YieldStep(Objects.requireNonNull(app, "app")));
    }

    /** An {@link Interposer} between the layers before and after it: a filter, a capture point. */
    public PipelineBuilder interpose(Interposer interposer) {
        return step(new InterposeStep(Objects.requireNonNull(interposer, "interposer")));
    }

    /**
     * Runs the steps through the interpreter instead of a generated class: slower (a megamorphic call
     * per layer), for comparison and diagnosis. {@code -Dflexnet.pipeline.interpret=true} makes it the
     * default.
     */
    public PipelineBuilder interpreted() {
        compile = false;
        return this;
    }

    /**
     * Writes the compiled class's bytes to {@code dir}, as {@code -Dflexnet.pipeline.dump=DIR} does for
     * every pipeline; null writes nothing.
     */
    PipelineBuilder dumpTo(Path dir) {
        dump = dir;
        return this;
    }

    /** Appends a step of any kind; verified with the others at {@link #build()}. */
    PipelineBuilder step(Step step) {
        reqs.add(new Req(null, Objects.requireNonNull(step, "step")));
        return this;
    }

    private PipelineBuilder level(Level level) {
        reqs.add(new Req(level, null));
        return this;
    }

    /** Verifies and builds; throws {@link PipelineException} naming the first offending step. */
    public Pipeline build() {
        int n = reqs.size();
        Step[] steps = new Step[n];
        int[] used = new int[Level.values().length];
        PipelineVerifier verifier = new PipelineVerifier(name, template);
        for (int i = 0; i < n; i++) {
            Req r = reqs.get(i);
            if (r.step != null) {
                steps[i] = r.step;
                continue;
            }
            try {
                steps[i] = resolve(i, r.level, used[r.level.ordinal()]++);
            } catch (PipelineException unresolved) {
                verifier.walk(steps, i);  // a fault in an earlier step is the first one, and named first
                throw unresolved;
            }
        }
        return new Pipeline(name, template, verifier.verify(steps), compile, dump);
    }

    /** The {@code k}-th layer of {@code level} in the template, from the layers supplied. */
    private LayerStep resolve(int i, Level level, int k) {
        LayerKind kind = nth(template.layers(), level, k);
        if (kind == null) {
            throw fail(i, level.name().toLowerCase(), "a " + template + " pipeline has no further "
                    + level.name().toLowerCase() + " layer: each layer appears once");
        }
        Layer layer = layers == null ? null : layers.apply(kind);
        if (layer == null) throw fail(i, kind.label(), "no layer supplied for " + kind.label());
        if (layer.kind() != kind) {
            throw fail(i, kind.label(), "supplied layer '" + layer.name() + "' is a "
                    + layer.kind().label() + ", not a " + kind.label());
        }
        return new LayerStep(layer);
    }

    private static LayerKind nth(List<LayerKind> order, Level level, int k) {
        for (LayerKind kind : order) {
            if (levelOf(kind) == level && k-- == 0) return kind;
        }
        return null;
    }

    private static Level levelOf(LayerKind kind) {
        return switch (kind) {
            case ETH_RCV, ETH_SEND -> Level.ETH;
            case IP_RCV, IP_SEND -> Level.IP;
            case L4_RCV, L4_SEND -> Level.L4;
            case SOCKET_RCV, SOCKET_SEND -> Level.SOCKET;
        };
    }

    private static Path dumpProperty() {
        String dir = System.getProperty("flexnet.pipeline.dump");
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    private PipelineException fail(int step, String stepName, String problem) {
        return new PipelineException(name, step, stepName, problem);
    }
}
