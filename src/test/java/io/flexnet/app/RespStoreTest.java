package io.flexnet.app;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespStoreTest {
    static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    @Test
    void behavesAsAMapUnderRandomSetsAndDeletes() {
        RespStore store = new RespStore(5000, 1 << 24);
        Map<String, String> model = new HashMap<>();
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            String k = "k" + r.nextInt(3000);
            if (r.nextInt(3) == 0) {
                byte[] kb = b(k);
                assertEquals(model.remove(k) != null, store.delete(kb, 0, kb.length), k);
            } else {
                String v = "v" + r.nextInt(1000);
                byte[] kb = b(k), vb = b(v);
                assertEquals(1, store.set(kb, 0, kb.length, vb, 0, vb.length));
                model.put(k, v);
            }
        }
        assertEquals(model.size(), store.size());
        long bytes = 0;
        for (var e : model.entrySet()) {
            assertArrayEquals(b(e.getValue()), store.get(b(e.getKey())), e.getKey());
            bytes += e.getKey().length() + e.getValue().length();
        }
        assertEquals(bytes, store.bytes());
        for (int i = 0; i < 3000; i++) if (!model.containsKey("k" + i)) assertNull(store.get(b("k" + i)));
    }

    @Test
    void incrementsParseAndOverflowAsRedisDoes() {
        RespStore store = new RespStore(10, 1000);
        byte[] k = b("n");
        assertEquals(1, store.incr(k, 0, 1));
        byte[] v = b("9223372036854775806");
        store.set(k, 0, 1, v, 0, v.length);
        assertEquals(Long.MAX_VALUE, store.incr(k, 0, 1));
        assertEquals(RespStore.NOT_INTEGER, store.incr(k, 0, 1));
        v = b("-5");
        store.set(k, 0, 1, v, 0, v.length);
        assertEquals(-4, store.incr(k, 0, 1));
        assertArrayEquals(b("-4"), store.get(k));
        v = b("1x");
        store.set(k, 0, 1, v, 0, v.length);
        assertEquals(RespStore.NOT_INTEGER, store.incr(k, 0, 1));
    }

    @Test
    void boundsHoldInKeysAndBytes() {
        RespStore store = new RespStore(3, 20);
        byte[] k = b("abcdefgh"), v = b("0123456789ab");
        assertEquals(1, store.set(k, 0, 1, v, 0, 8));
        assertEquals(RespStore.FULL, store.set(k, 1, 1, v, 0, 12), "9 + 13 bytes > 20");
        assertEquals(1, store.set(k, 1, 1, v, 0, 2));
        assertEquals(1, store.set(k, 2, 1, v, 0, 2));
        assertEquals(RespStore.FULL, store.set(k, 3, 1, v, 0, 1), "a fourth key");
        assertEquals(3, store.size());
    }
}
