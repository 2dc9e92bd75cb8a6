package io.flexnet.ebpf;

import io.flexnet.policy.MapSpec;
import io.flexnet.policy.Maps;
import io.flexnet.policy.PolicyMap;
import java.util.List;

/** A machine at the {@code queue()} hook over a byte array and three small maps, for tests of the verifier. */
class FuzzMachine extends HookMachine {
    static final List<MapDef> DEFS = List.of(
            new MapDef("arr", MapDef.ARRAY, 4, 8, 4, null, false),
            new MapDef("hash", MapDef.HASH, 4, 8, 16, null, false),
            new MapDef("bss", MapDef.ARRAY, 4, 16, 1, new byte[16], false),
            new MapDef("socks", MapDef.REUSEPORT_SOCKARRAY, 4, 8, 4, null, false));

    final byte[] packet;
    final PolicyMap[] maps = {
        Maps.allocate(MapSpec.direct("arr", 4)), Maps.allocate(MapSpec.hashed("hash", 16)), null, null
    };

    FuzzMachine(Hook hook, byte[] packet) {
        super(hook, DEFS, System::nanoTime);
        this.packet = packet;
    }

    final long[] bss = new long[2];

    @Override protected PolicyMap map(int i) { return maps[i]; }
    @Override protected long[] globals(int i) { return bss; }
    @Override protected int choices() { return 4; }
    @Override protected long field(Hook.Field f) { return f.name().equals("choices") ? 4 : f.name().equals("len") ? packet.length : 7; }
    @Override protected int packetLength() { return packet.length; }
    @Override protected int packetByte(int off) { return packet[off] & 0xff; }
}
