package io.flexnet.pipeline;

/** Every step-loop test of {@link CoroutineTest}, on the interpreter instead of compiled pipelines. */
class CoroutineInterpretedTest extends CoroutineTest {
    @Override
    boolean interpreted() { return true; }
}
