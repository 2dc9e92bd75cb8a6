package io.flexnet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The bytecode half of {@link ArchitectureTest}'s clock rule, with ArchUnit: no class outside
 * {@code io.flexnet.runtime} (and its simulated runtime) calls or references {@code System.nanoTime},
 * {@code System.currentTimeMillis}, {@code Thread.sleep}, {@code Thread.onSpinWait}, {@code Thread.yield},
 * {@code Instant.now} or anything of {@code LockSupport}: whatever the stack does with time goes through
 * {@code StackRuntime}, so the simulated runtime sees all of it. Bytecode sees what a text scan cannot
 * (a static import, a call through a helper's lambda); the text scan counts per file.
 */
class RuntimeBoundaryTest {
    /**
     * Top-level classes that still do, for reasons of their own: measurement rigs that time
     * themselves, capture timestamps since the epoch, and two
     * separate programs (a client timing round trips, a kernel echo that serves N seconds). Each must
     * still do it: a class that stops comes off this list.
     */
    static final Set<String> KNOWN = Set.of(
            "io.flexnet.bench.HandoffRig",
            "io.flexnet.bench.PipelineBenchmark",
            "io.flexnet.nic.EpochClock",
            "io.flexnet.serve.EchoClient",
            "io.flexnet.serve.KernelEcho");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.flexnet");

    /** A call or method reference that reads a clock, sleeps, parks or spins. */
    static final DescribedPredicate<JavaAccess<?>> TIME = DescribedPredicate.describe(
            "read a clock, sleep, park or spin", RuntimeBoundaryTest::isTime);

    static boolean isTime(JavaAccess<?> a) {
        String owner = a.getTargetOwner().getName();
        String m = a.getName();
        return switch (owner) {
            case "java.lang.System" -> m.equals("nanoTime") || m.equals("currentTimeMillis");
            case "java.lang.Thread" -> m.equals("sleep") || m.equals("onSpinWait") || m.equals("yield");
            case "java.time.Instant" -> m.equals("now");
            case "java.util.concurrent.locks.LockSupport" -> true;
            default -> false;
        };
    }

    private static final DescribedPredicate<JavaClass> OUTSIDE_RUNTIME = DescribedPredicate.describe(
            "are outside io.flexnet.runtime and not a known exception",
            c -> !c.getPackageName().equals("io.flexnet.runtime")
                    && !c.getPackageName().startsWith("io.flexnet.runtime.")
                    && !KNOWN.contains(topLevel(c)));

    private static String topLevel(JavaClass c) {
        String n = c.getName();
        int d = n.indexOf('$');
        return d < 0 ? n : n.substring(0, d);
    }

    @Test
    void onlyTheRuntimeReadsClocksSleepsParksOrSpins() {
        ArchRule rule = noClasses().that(OUTSIDE_RUNTIME).should().accessTargetWhere(TIME)
                .because("time, sleeping and spinning go through StackRuntime, so the simulated runtime sees them");
        rule.check(MAIN);
    }

    @Test
    void everyKnownExceptionStillNeedsItsPlace() {
        Set<String> doing = new TreeSet<>();
        for (JavaClass c : MAIN) {
            for (JavaAccess<?> a : c.getAccessesFromSelf()) if (isTime(a)) doing.add(topLevel(c));
        }
        for (String k : KNOWN) {
            assertTrue(doing.contains(k), k + " no longer reads a clock, sleeps, parks or spins: remove it from KNOWN");
        }
    }

    /** The rule catches what it must: a class of the runtime does read the clock, and is seen doing it. */
    @Test
    void theRuleSeesARealClockRead() {
        JavaClass real = MAIN.get("io.flexnet.runtime.RealRuntime");
        long reads = real.getAccessesFromSelf().stream().filter(RuntimeBoundaryTest::isTime).count();
        assertEquals(true, reads >= 3, "RealRuntime reads the clock, parks and spins; found " + reads);
        EvaluationResult r = noClasses().should().accessTargetWhere(TIME).evaluate(MAIN);
        assertTrue(r.hasViolation(), "the rule without exceptions must fail on the runtime itself");
    }
}
