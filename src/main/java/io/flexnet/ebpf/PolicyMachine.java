package io.flexnet.ebpf;

import io.flexnet.policy.PolicyInput;
import io.flexnet.policy.PolicyMap;
import java.util.List;
import java.util.function.LongSupplier;

/** The interpreter's machine for a policy at a hook: one {@link PolicyInput} bound per run. */
final class PolicyMachine extends HookMachine {
    private final PolicyAccess.Table table;
    private final int hookOrd;
    private PolicyInput in;
    private int header, length;
    private boolean socket;

    PolicyMachine(Hook hook, List<MapDef> defs, PolicyAccess.Table table, LongSupplier clock) {
        super(hook, defs, clock);
        this.table = table;
        this.hookOrd = hook.ordinal();
    }

    void bind(PolicyInput in) {
        this.in = in;
        this.selected = -1;
        this.socket = hookOrd == Hook.SOCKET.ordinal();
        this.header = socket ? PolicyAccess.socketHeader(in) : 0;
        this.length = PolicyAccess.packetLength(in, hookOrd);
    }

    @Override protected PolicyMap map(int i) { return in.map(table.slot[i]); }
    @Override protected long[] globals(int i) { return table.globals[i]; }
    @Override protected int choices() { return in.choices(); }
    @Override protected long field(Hook.Field f) { return PolicyAccess.field(in, hookOrd, f.offset()); }
    @Override protected int packetLength() { return length; }
    @Override protected int packetByte(int off) {
        return socket ? (int) PolicyAccess.socketPacket(in, header, off, 1) : in.frameU8(off);
    }
}
