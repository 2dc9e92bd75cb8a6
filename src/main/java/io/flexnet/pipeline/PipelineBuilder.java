package io.flexnet.pipeline;

import io.flexnet.proto.Layer;
import io.flexnet.proto.LayerKind;
import io.flexnet.proto.Replier;
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
 * layer instance, e.g. a wrapped one. Verification refuses, naming the step: a layer foreign to the
 * template, a layer twice or missing, layers out of protocol order, two suspension points with no layer
 * between them or one after the last layer, a {@code yield()} anywhere but between the receive and send
 * halves of an Rx+Tx pipeline, a queue point without a selector or queues.
 */
public final class PipelineBuilder {
    private enum Level { ETH, IP, L4, SOCKET }

    /** One requested step, resolved and checked at build(). */
    private record Req(Level level, Layer layer, Selector selector, CoroutineQueue[] queues, Application app) {
        boolean isLayer() { return level != null || layer != null; }
    }

    private final String name;
    private final Template template;
    private final Function<LayerKind, Layer> layers;
    private final List<Req> reqs = new ArrayList<>();
    private boolean compile = !Boolean.getBoolean("flexnet.pipeline.interpret");

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
        reqs.add(new Req(null, Objects.requireNonNull(layer, "layer"), null, null, null));
        return this;
    }

    /** {@code co_await queue_insert(ctx, selector(ctx))}: park in {@code queues[selector(p)]}. */
    public PipelineBuilder queue(Selector selector, CoroutineQueue... queues) {
        reqs.add(new Req(null, null, selector, queues == null ? new CoroutineQueue[0] : queues.clone(), null));
        return this;
    }

    /** {@code co_yield()}: hand the request to {@code app}; it answers in place. */
    public PipelineBuilder yieldTo(Application app) {
        reqs.add(new Req(null, null, null, null, Objects.requireNonNull(app, "app")));
        return this;
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

    private PipelineBuilder level(Level level) {
        reqs.add(new Req(level, null, null, null, null));
        return this;
    }

    /** Verifies and builds; throws {@link PipelineException} naming the first offending step. */
    public Pipeline build() {
        int n = reqs.size();
        List<LayerKind> order = template.layers();
        byte[] kinds = new byte[n];
        Layer[] ls = new Layer[n];
        Selector[] sels = new Selector[n];
        CoroutineQueue[][] qs = new CoroutineQueue[n][];
        Application[] apps = new Application[n];
        String[] names = new String[n];
        int[] used = new int[Level.values().length];
        int[] stepOf = new int[LayerKind.values().length];
        java.util.Arrays.fill(stepOf, -1);
        int lastPos = -1;
        String lastName = null;
        boolean prevSuspension = false;
        int yields = 0;

        for (int i = 0; i < n; i++) {
            Req r = reqs.get(i);
            if (r.isLayer()) {
                LayerKind kind;
                Layer layer;
                if (r.layer != null) {
                    layer = r.layer;
                    kind = layer.kind();
                    names[i] = layer.name();
                } else {
                    kind = nth(order, r.level, used[r.level.ordinal()]++);
                    if (kind == null) {
                        throw fail(i, r.level.name().toLowerCase(),
                                "a " + template + " pipeline has no further " + r.level.name().toLowerCase()
                                        + " layer: each layer appears once");
                    }
                    layer = layers == null ? null : layers.apply(kind);
                    if (layer == null) throw fail(i, kind.label(), "no layer supplied for " + kind.label());
                    if (layer.kind() != kind) {
                        throw fail(i, kind.label(), "supplied layer '" + layer.name() + "' is a "
                                + layer.kind().label() + ", not a " + kind.label());
                    }
                    names[i] = layer.name();
                }
                int pos = order.indexOf(kind);
                if (pos < 0) {
                    throw fail(i, names[i], kind.label() + " does not belong in a " + template
                            + " pipeline, whose layers are " + labels(order));
                }
                if (stepOf[kind.ordinal()] >= 0) {
                    throw fail(i, names[i], kind.label() + " appears twice (also step "
                            + stepOf[kind.ordinal()] + ")");
                }
                if (pos < lastPos) {
                    throw fail(i, names[i], "out of protocol order: comes after " + lastName
                            + "; layers run in the order " + labels(order));
                }
                stepOf[kind.ordinal()] = i;
                lastPos = pos;
                lastName = names[i];
                kinds[i] = Pipeline.LAYER;
                ls[i] = layer;
                prevSuspension = false;
            } else {
                boolean isQueue = r.app == null;
                names[i] = isQueue ? "queue" + (r.queues.length == 1 ? "(" + name(r.queues[0]) + ")"
                        : "(" + r.queues.length + " queues)") : "yield";
                if (prevSuspension) {
                    throw fail(i, names[i], "two suspension points with no layer between them");
                }
                if (isQueue) {
                    if (r.selector == null) throw fail(i, names[i], "queue() needs a selector");
                    if (r.queues.length == 0) throw fail(i, names[i], "queue() needs at least one queue");
                    for (int q = 0; q < r.queues.length; q++) {
                        if (r.queues[q] == null) throw fail(i, names[i], "queue " + q + " is null");
                    }
                    kinds[i] = Pipeline.QUEUE;
                    sels[i] = r.selector;
                    qs[i] = r.queues;
                } else {
                    if (template != Template.RX_TX) {
                        throw fail(i, names[i], "yield() is only allowed in an RX_TX pipeline, where the "
                                + "application answers between l4_rcv and l4_send; this one is " + template);
                    }
                    LayerKind prev = lastPos < 0 ? null : order.get(lastPos);
                    if (prev != LayerKind.L4_RCV) {
                        throw fail(i, names[i], "yield() must come right after l4_rcv (the application "
                                + "needs a whole request) and before l4_send; here it follows "
                                + (lastName == null ? "nothing" : lastName));
                    }
                    yields++;
                    kinds[i] = Pipeline.YIELD;
                    apps[i] = r.app;
                }
                prevSuspension = true;
            }
        }
        for (LayerKind k : order) {
            if (stepOf[k.ordinal()] < 0) {
                throw new PipelineException(name, -1, k.label(), "missing: a " + template
                        + " pipeline runs " + labels(order));
            }
        }
        if (n > 0 && kinds[n - 1] != Pipeline.LAYER) {
            throw fail(n - 1, names[n - 1], "a suspension point after the last layer has nothing to resume");
        }
        if (template == Template.RX_TX && yields != 1) {
            throw new PipelineException(name, -1, "yield", "an RX_TX pipeline needs one yield() between "
                    + "l4_rcv and l4_send, where the application answers");
        }
        Replier[] repliers = new Replier[n];
        for (int i = 0; i < n; i++) {
            if (kinds[i] != Pipeline.YIELD) continue;
            // Verified above: a layer follows every suspension point, and after yield() it is l4_send.
            if (!(ls[i + 1] instanceof Replier r)) {
                throw fail(i + 1, names[i + 1], "'" + names[i + 1] + "' cannot answer a request in place: the "
                        + "layer after yield() must implement Replier, as the stack's l4_send does");
            }
            repliers[i] = r;
        }
        return new Pipeline(name, template, kinds, ls, sels, qs, apps, repliers, names, compile);
    }

    private static String name(CoroutineQueue q) { return q == null ? "null" : q.name(); }

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

    private static String labels(List<LayerKind> order) {
        StringBuilder sb = new StringBuilder();
        for (LayerKind k : order) sb.append(sb.isEmpty() ? "" : ", ").append(k.label());
        return sb.toString();
    }

    private PipelineException fail(int step, String stepName, String problem) {
        return new PipelineException(name, step, stepName, problem);
    }
}
