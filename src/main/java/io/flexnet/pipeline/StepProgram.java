package io.flexnet.pipeline;

import io.flexnet.proto.LayerContext;

/** A pipeline's body: runs a coroutine from step {@code pc} until it suspends or finishes. */
interface StepProgram {
    int run(Coroutine co, int pc, LayerContext cx);
}
