/**
 * The {@code flexnet} command: {@code run}, {@code serve}, {@code serve-bench}, {@code bench} and
 * {@code version}.
 *
 * <p>Depends on any package; nothing depends on it.
 */
package io.flexnet.cli;
