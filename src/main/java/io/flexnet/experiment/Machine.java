// The machine an experiment ran on, for the report header: cores, JDK, OS, and that the generator shares it.
package io.flexnet.experiment;

import java.util.Locale;

/** Describes where the numbers came from; the load generator runs in the same JVM on the same cores. */
public record Machine(int cores, String jdk, String os, String cpu, double loadAverage) {
    public static Machine current() {
        String cpu = "";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            cpu = System.getProperty("os.arch", "");
        }
        return new Machine(Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                cpu, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Two lines for the top of a report. */
    public String header() {
        return String.format(Locale.ROOT, "machine: %d cores%s, %s; %s; load average %.2f at start%n"
                        + "the load generator runs in the same JVM and shares these cores with the stack under test%n",
                cores, cpu.isEmpty() ? "" : " (" + cpu + ")", os, jdk, loadAverage);
    }
}
