package io.flexnet.pipeline;

import static java.lang.constant.ConstantDescs.CD_void;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.Packet;
import io.flexnet.packet.PacketPool;
import io.flexnet.proto.LayerContext;
import io.flexnet.proto.Replier;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the compiler generates: the class's name, its dump for javap, code only for the steps present. */
class PipelineCompilerTest {
    @TempDir Path dir;

    private final PacketPool pool = new PacketPool(16);
    private final Coroutines coroutines = new Coroutines(pool);
    private final TestLayer.Set layers = new TestLayer.Set();
    private final CoroutineQueue q = new CoroutineQueue("q", 16);

    @AfterEach
    void poolIsFullAgain() {
        layers.releaseSink();
        for (Coroutine c; (c = q.poll(0)) != null; ) c.packet().release();
        assertEquals(pool.capacity(), pool.available(), "every slot back in the pool");
    }

    private ClassModel dumped(String pipeline) throws IOException {
        Path file = dir.resolve(PipelineCompiler.className(pipeline) + ".class");
        assertTrue(Files.isRegularFile(file), file + " written");
        return ClassFile.of().parse(file);
    }

    private static Set<String> methods(ClassModel cm) {
        Set<String> names = new TreeSet<>();
        for (MethodModel m : cm.methods()) names.add(m.methodName().stringValue());
        return names;
    }

    private static Set<String> classesReferenced(ClassModel cm) {
        Set<String> names = new TreeSet<>();
        for (PoolEntry e : cm.constantPool()) {
            if (e instanceof ClassEntry c) names.add(c.asInternalName());
        }
        return names;
    }

    private static String internal(Class<?> c) { return c.getName().replace('.', '/'); }

    @Test
    void namesTheGeneratedClassAfterItsPipeline() {
        Pipeline pl = PipelineBuilder.rx("listing-1 (by port)", layers).eth().ip().l4().socket().build();
        String name = pl.program().getClass().getName();
        assertTrue(name.startsWith("io.flexnet.pipeline.Pipeline$listing_1__by_port_/"), name);
        assertEquals("_", PipelineCompiler.className(""));
    }

    @Test
    void dumpsTheGeneratedClassWithItsSegmentMethods() throws IOException {
        PipelineBuilder.rx("few", layers).dumpTo(dir).queue(p -> 0, q).eth().queue(p -> 0, q).ip().l4().socket().build();
        ClassModel few = dumped("few");
        assertEquals("io/flexnet/pipeline/Pipeline$few", few.thisClass().asInternalName());
        assertEquals(Set.of("<init>", "run"), methods(few), "three segments share run");

        PipelineBuilder.rx("many points", layers).dumpTo(dir)
                .queue(p -> 0, q).eth().queue(p -> 0, q).ip().queue(p -> 0, q).l4().queue(p -> 0, q).socket().build();
        ClassModel many = dumped("many points");
        Set<String> expected = new TreeSet<>(Set.of("<init>", "run"));
        for (int k = 0; k < 5; k++) expected.add("segment" + k);
        assertEquals(expected, methods(many), "more than " + PipelineCompiler.ONE_METHOD_SEGMENTS + " segments: one method each");
    }

    @Test
    void interpretedPipelinesDumpNothing() throws IOException {
        PipelineBuilder.rx("interp", layers).dumpTo(dir).interpreted().eth().ip().l4().socket().build();
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void hasNoCodeForStepKindsItDoesNotHave() throws IOException {
        PipelineBuilder.rx("plain", layers).dumpTo(dir).eth().ip().l4().socket().build();
        PipelineBuilder.rx("queued", layers).dumpTo(dir).queue(p -> 0, q).eth().ip().l4().socket().build();
        PipelineBuilder.rxTx("answering", layers).dumpTo(dir)
                .eth().ip().l4().yieldTo(co -> Application.ANSWER).l4().ip().eth().build();
        String app = internal(Application.class), replier = internal(Replier.class);
        String selector = internal(Selector.class), queues = "[L" + internal(CoroutineQueue.class) + ";";

        Set<String> plain = classesReferenced(dumped("plain"));
        assertFalse(plain.contains(app) || plain.contains(replier), "no yield code: " + plain);
        assertFalse(plain.contains(selector) || plain.contains(queues), "no queue code: " + plain);

        Set<String> queued = classesReferenced(dumped("queued"));
        assertFalse(queued.contains(app) || queued.contains(replier), "no yield code: " + queued);
        assertTrue(queued.contains(selector) && queued.contains(queues), queued.toString());

        Set<String> answering = classesReferenced(dumped("answering"));
        assertTrue(answering.contains(app) && answering.contains(replier), answering.toString());
        assertFalse(answering.contains(selector), "no queue code: " + answering);
    }

    /** A step kind the pipeline package does not know: it runs and compiles with nothing else changed. */
    static final class CountStep extends Step {
        private static final ClassDesc CD_LONG_ADDER = ClassDesc.of(LongAdder.class.getName());
        final LongAdder seen = new LongAdder();

        @Override String name() { return "count"; }

        @Override
        int interpret(Pipeline pl, Coroutine co, int pc, Packet p, LayerContext cx) {
            seen.increment();
            return NEXT;
        }

        @Override List<Object> constants() { return List.of(seen); }

        @Override
        void emit(StepEmitter e) {
            e.constant(0, CD_LONG_ADDER);
            e.code().invokevirtual(CD_LONG_ADDER, "increment", MethodTypeDesc.of(CD_void));
        }
    }

    @Test
    void aNewStepKindIsOneClass() throws IOException {
        List<Pipeline> both = new ArrayList<>();
        List<CountStep> counts = new ArrayList<>();
        for (boolean compiled : new boolean[] {true, false}) {
            CountStep count = new CountStep();
            PipelineBuilder b = PipelineBuilder.rx(compiled ? "counted" : "counted-i", layers).dumpTo(dir)
                    .eth().step(count).queue(p -> 0, q).ip().l4().socket();
            both.add(compiled ? b.build() : b.interpreted().build());
            counts.add(count);
        }
        for (int i = 0; i < both.size(); i++) {
            Pipeline pl = both.get(i);
            assertEquals("eth_rcv > count > queue(q) > ip_rcv > l4_rcv > socket_rcv", pl.toString().substring(pl.name().length() + 1));
            for (int n = 0; n < 3; n++) {
                Packet p = pool.allocate();
                p.length = 60;
                assertEquals(Coroutine.SUSPENDED, coroutines.of(p).start(pl, LayerContext.at(0)));
                assertEquals(Coroutine.FINISHED, q.poll(0).resume(LayerContext.at(1)));
            }
            assertEquals(3, counts.get(i).seen.sum(), pl.name());
        }
        assertTrue(classesReferenced(dumped("counted")).contains(internal(LongAdder.class)));
    }
}
