package io.flexnet.ebpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpfObjectTest {
    @Test
    void readsProgramsMapsAndRelocationsOfTheSyrupPolicies() throws Exception {
        BpfObject o = BpfObject.parse(BpfSources.bytes("scan_avoid"));
        BpfObject.Program p = o.program("sk_reuseport");
        assertEquals("scan_avoid", p.name());
        assertEquals("GPL", o.license());
        List<String> maps = o.maps().stream().map(MapDef::name).toList();
        assertTrue(maps.containsAll(List.of("socks", "busy", "bss")), maps.toString());
        MapDef busy = o.maps().get(maps.indexOf("busy"));
        assertEquals(MapDef.ARRAY, busy.type());
        assertEquals(4, busy.keySize());
        assertEquals(8, busy.valueSize());
        assertEquals(256, busy.maxEntries());
        MapDef socks = o.maps().get(maps.indexOf("socks"));
        assertEquals(MapDef.REUSEPORT_SOCKARRAY, socks.type());
        assertEquals(4, socks.maxEntries());
        long refs = Arrays.stream(p.insns()).filter(x -> x.isLddw() && x.src() == Insn.PSEUDO_MAP_FD).count();
        long globals = Arrays.stream(p.insns()).filter(x -> x.isLddw() && x.src() == Insn.PSEUDO_MAP_VALUE).count();
        assertTrue(refs >= 2, "map references: " + refs);
        assertEquals(1, globals);
    }

    @Test
    void refusesTheObjectTruncatedAtEveryByte() throws Exception {
        byte[] full = BpfSources.bytes("sita");
        BpfObject.parse(full);
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            final int len = n;
            BpfLoadException e = assertThrows(BpfLoadException.class, () -> BpfObject.parse(cut), () -> "truncated at " + len);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void refusesCorruptedObjectsWithAMessageNeverAnException() throws Exception {
        byte[] full = BpfSources.bytes("token_based");
        Random r = new Random(7);
        int refused = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] b = full.clone();
            for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            try {
                BpfObject.parse(b);
            } catch (BpfLoadException e) {
                refused++;
            }
        }
        assertTrue(refused > 0);
    }

    @Test
    void namesWhatIsWrong() {
        BpfLoadException e = assertThrows(BpfLoadException.class, () -> BpfObject.parse(new byte[10]));
        assertTrue(e.getMessage().contains("shorter than the 64-byte ELF header"), e.getMessage());
        byte[] notBpf = new byte[64];
        notBpf[0] = 0x7f; notBpf[1] = 'E'; notBpf[2] = 'L'; notBpf[3] = 'F'; notBpf[4] = 2; notBpf[5] = 1; notBpf[16] = 1; notBpf[18] = 62;
        e = assertThrows(BpfLoadException.class, () -> BpfObject.parse(notBpf));
        assertTrue(e.getMessage().contains("not eBPF"), e.getMessage());
    }
}
