package io.flexnet.pipeline;

/** A pipeline's body: runs a coroutine from step {@code pc} until it suspends or finishes. */
interface StepProgram {
    int run(Coroutine co, int pc, long now);
}
