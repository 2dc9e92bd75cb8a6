package io.flexnet.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Makes maps: in this process's memory, or pinned in a file that any process may map (Syrup pins its
 * maps in a file system; {@link #open} is its {@code syr_map_open}). The file layout is in
 * {@code docs/maps.md}.
 */
public final class Maps {
    private Maps() {}

    /** A map in off-heap memory of this process, zeroed. */
    public static PolicyMap allocate(MapSpec spec) {
        Arena arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(MapMemory.bytesFor(spec), 64);
        MapMemory.format(seg, spec);
        return MapMemory.wrap(seg, arena, spec, false);
    }

    /**
     * The map pinned at {@code file}: opened if it exists (and must match {@code spec}'s layout and
     * capacity), otherwise created. Creation writes a temporary file and links it into place, so no
     * process ever maps a half-written header, and two creators racing end with one file.
     */
    public static PolicyMap pinned(Path file, MapSpec spec) {
        if (!Files.exists(file)) {
            try {
                create(file, spec);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create map file " + file, e);
            }
        }
        PolicyMap m = open(file);
        if (m.layout() != spec.layout() || m.capacity() != spec.capacity()) {
            m.close();
            throw new IllegalArgumentException(file + " holds a " + m.layout() + " map of " + m.capacity()
                    + " entries, not the " + spec.layout() + " map of " + spec.capacity() + " declared");
        }
        return m;
    }

    private static void create(Path file, MapSpec spec) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".map-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 Arena arena = Arena.ofConfined()) {
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, MapMemory.bytesFor(spec), arena);
                MapMemory.format(seg, spec);
                seg.force();
            }
            try {
                Files.createLink(file, tmp);  // fails if another process made it first: keep theirs
            } catch (FileAlreadyExistsException raced) {
                // the other creator's map stands
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (!Files.exists(file)) Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Maps an existing map file read-write; throws when it is not a well-formed map. */
    public static PolicyMap open(Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), arena);
            MapSpec spec = MapMemory.check(seg, file.toString());
            return MapMemory.wrap(seg, arena, spec, true);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot map " + file, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }
}
