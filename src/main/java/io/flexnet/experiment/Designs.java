// The built-in designs by name, and how a design named in a file is made.
package io.flexnet.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Built-in designs by the name an experiment file uses, and loading of designs named by class. */
public final class Designs {
    private static final Map<String, Supplier<Design>> BUILTIN = new LinkedHashMap<>();

    static {
        BUILTIN.put("run-to-completion", RunToCompletion::new);
        BUILTIN.put("port-queues", PortQueues::new);
        BUILTIN.put("snap", SnapCores::new);
        BUILTIN.put("socket-group", SocketGroup::new);
        BUILTIN.put("preemptive", Preemptive::new);
    }

    private Designs() {}

    /** Names of the built-in designs, in a stable order. */
    public static java.util.Set<String> builtins() { return BUILTIN.keySet(); }

    /** A new instance of built-in {@code name}, or null. */
    public static Design builtin(String name) {
        Supplier<Design> s = BUILTIN.get(name);
        return s == null ? null : s.get();
    }

    /**
     * A new instance of the class named {@code className}, which must implement {@link Design} and have a
     * public no-argument constructor. Throws IllegalArgumentException saying which of these failed.
     */
    public static Design ofClass(String className) {
        Class<?> c;
        try {
            c = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("class " + className + " is not on the classpath");
        } catch (ExceptionInInitializerError e) {
            throw new IllegalArgumentException("class " + className + " failed in its static initialiser: " + reason(e.getCause()));
        } catch (NoClassDefFoundError e) {
            // The class was found, but something it needs was not (or failed to initialise earlier).
            throw new IllegalArgumentException("class " + className + " needs " + e.getMessage().replace('/', '.')
                    + ", which could not be loaded");
        } catch (LinkageError e) {
            throw new IllegalArgumentException("class " + className + " could not be loaded: " + reason(e));
        }
        if (!Design.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("class " + className + " does not implement " + Design.class.getName());
        }
        try {
            return (Design) c.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("class " + className + " has no public no-argument constructor");
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("class " + className + " could not be made: " + reason(cause));
        }
    }

    /** A failure in a design's own code, for a one-line message: its message, or its kind when it has none. */
    static String reason(Throwable e) {
        String m = e == null ? null : e.getMessage();
        if (m == null || m.isBlank()) return e == null ? "no reason given" : e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
