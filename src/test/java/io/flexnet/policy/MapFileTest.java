package io.flexnet.policy;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinned maps: the file layout of docs/maps.md, and sharing with another JVM and with Python. */
class MapFileTest {
    @TempDir
    Path dir;

    /** An independent reading of docs/maps.md's slot rule, so the test does not trust the code. */
    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    @Test
    void pinnedFileHasTheDocumentedLayout() throws IOException {
        Path file = dir.resolve("users.map");
        try (PolicyMap m = Maps.pinned(file, MapSpec.hashed("users", 8))) {
            m.put(7, 0x1122334455667788L);
            m.put(0xFFFFFFFE, -2);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(64 + 8 * 16, b.capacity());
        byte[] magic = new byte[8];
        b.get(0, magic);
        assertArrayEquals("FNETMAP\0".getBytes(StandardCharsets.US_ASCII), magic);
        assertEquals(1, b.getInt(8), "version");
        assertEquals(2, b.getInt(12), "layout hashed");
        assertEquals(8, b.getInt(16), "capacity");
        assertEquals(16, b.getInt(20), "entry bytes");
        assertEquals(2, b.getLong(24), "keys present");
        assertEquals("users", new String(b.array(), 32, 5, StandardCharsets.UTF_8));
        assertEquals(0, b.get(37), "name is NUL-terminated");
        int[] keys = {7, 0xFFFFFFFE};
        long[] values = {0x1122334455667788L, -2};
        for (int k = 0; k < keys.length; k++) {
            int slot = fmix32(keys[k]) & 7;
            while (b.getLong(64 + slot * 16) != (1L << 32 | (keys[k] & 0xFFFFFFFFL))) {
                assertNotEquals(0, b.getLong(64 + slot * 16), "key " + keys[k] + " not on its probe path");
                slot = (slot + 1) & 7;
            }
            assertEquals(values[k], b.getLong(64 + slot * 16 + 8));
        }
    }

    @Test
    void directFileIsOneValuePerKeyAfterTheHeader() throws IOException {
        Path file = dir.resolve("busy.map");
        try (PolicyMap m = Maps.pinned(file, MapSpec.direct("busy", 4))) {
            m.put(3, 99);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(64 + 4 * 8, b.capacity());
        assertEquals(1, b.getInt(12));
        assertEquals(4, b.getLong(24), "a direct map holds every key");
        assertEquals(99, b.getLong(64 + 3 * 8));
    }

    @Test
    void reopeningChecksTheSpecAndRefusesForeignFiles() throws IOException {
        Path file = dir.resolve("m.map");
        Maps.pinned(file, MapSpec.direct("m", 4)).close();
        try (PolicyMap again = Maps.pinned(file, MapSpec.direct("m", 4))) {
            assertTrue(again.pinned());
        }
        assertThrows(IllegalArgumentException.class, () -> Maps.pinned(file, MapSpec.direct("m", 8)));
        Path junk = dir.resolve("junk.map");
        Files.write(junk, new byte[128]);
        assertThrows(IllegalArgumentException.class, () -> Maps.open(junk));
    }

    @Test
    void tenantsPinDeclaredMapsUnderTheirName() throws IOException {
        try (Tenants tenants = new Tenants().pinDirectory(dir)) {
            Tenant kv = tenants.register("kv", 9000);
            kv.deploy(tenants.hook("s", HookKind.SOCKET), new MatchingPolicy() {
                @Override public int schedule(PolicyInput in) { return PASS; }
                @Override public List<MapSpec> maps() { return List.of(MapSpec.hashed("tokens", 64).pin()); }
            });
            kv.map("tokens").put(5, 50);
            Path file = dir.resolve("kv").resolve("tokens.map");
            assertTrue(Files.exists(file));
            try (PolicyMap other = Maps.open(file)) {
                assertEquals(50, other.get(5), "a second mapping of the file sees the value");
                other.put(6, 60);
            }
            assertEquals(60, kv.map("tokens").get(6));
        }
    }

    @Test
    void anotherJvmAddsConcurrentlyAndBothSeeEachOthersWrites() throws Exception {
        Path file = dir.resolve("shared.map");
        long adds = 2_000_000;  // tens of milliseconds each: the two processes' adds overlap
        try (PolicyMap m = Maps.pinned(file, MapSpec.direct("shared", 8))) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process peer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    MapPeer.class.getName(), file.toString(), Long.toString(adds))
                    .redirectErrorStream(true).start();
            m.put(2, 41);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (m.get(5) != 1 && peer.isAlive() && System.nanoTime() < deadline) Thread.onSpinWait();
            assertEquals(1, m.get(5), "peer ready");
            m.put(0, 1);  // go
            for (long i = 0; i < adds; i++) m.add(1, 1);
            assertTrue(peer.waitFor(60, TimeUnit.SECONDS), "peer finished");
            String out = new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, peer.exitValue(), out);
            assertEquals(1, m.get(4), "peer's done flag");
            assertEquals(42, m.get(3), "the peer read our value and published its own");
            assertEquals(2 * adds, m.get(1), "no add lost between two processes");
        }
    }

    private static List<String> python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, Path.of("docs", "flexnet_map.py").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** The interpreter itself, found once (a version-manager shim costs half a second per start). */
    private static final String PYTHON = findPython();

    private static String findPython() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import mmap, struct, sys; print(sys.executable)").start();
            String exe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !exe.isEmpty() ? exe : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void aPythonProcessReadsAndWritesTheSameMap() throws Exception {
        Assumptions.assumeTrue(PYTHON != null, "python3 not installed");
        assertTrue(Files.exists(Path.of("docs", "flexnet_map.py")), "the reference client in docs/");
        for (MapSpec spec : List.of(MapSpec.hashed("users", 16), MapSpec.direct("busy", 16))) {
            Path file = dir.resolve(spec.name() + ".map");
            try (PolicyMap m = Maps.pinned(file, spec)) {
                m.put(3, 1234567890123L);
                m.put(9, -5);
                String f = file.toString();
                assertEquals(List.of(spec.name() + " " + spec.layout().name().toLowerCase() + " 16 " + m.size(),
                                "1234567890123", "-5", "0"),
                        python(f, "info", "get", "3", "get", "9", "get", "4", "put", "4", "77", "put", "3", "1"));
                assertEquals(77, m.get(4), "Python's insert is visible here");
                assertEquals(1, m.get(3));
                m.add(4, 1);
                assertEquals(List.of("ok"), python(f, "wait", "4", "78"));
            }
        }
    }
}
