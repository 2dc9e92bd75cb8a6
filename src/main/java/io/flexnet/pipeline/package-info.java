/**
 * Pipelines and their coroutines: templates, the builder and its verifier, the step loop and the
 * compiler that makes a class of each pipeline, the coroutine frames of a pool, applications at a
 * {@code yield()} (preemptible ones among them), selectors, and the queues suspension points park coroutines in (with their ring
 * and sojourn histograms).
 *
 * <p>Depends on packet and proto (the layers a pipeline runs).
 */
package io.flexnet.pipeline;
