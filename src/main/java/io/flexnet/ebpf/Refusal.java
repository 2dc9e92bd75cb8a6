package io.flexnet.ebpf;

/**
 * Why the verifier refused a program, as the Linux verifier's log says it: the instruction index, the
 * instruction disassembled, the registers it knew there, and the rule broken.
 */
public final class Refusal extends BpfLoadException {
    private final int pc;
    private final String insn;
    private final String registers;
    private final String reason;
    private final String log;

    Refusal(int pc, String insn, String registers, String reason, String log) {
        super((pc >= 0 ? pc + ": " + insn + "\n" : "") + (registers.isEmpty() ? "" : registers + "\n") + reason);
        this.pc = pc;
        this.insn = insn;
        this.registers = registers;
        this.reason = reason;
        this.log = log;
    }

    /** The slot of the offending instruction, or -1 when the program as a whole is refused. */
    public int pc() { return pc; }
    public String insn() { return insn; }
    public String registers() { return registers; }
    /** The rule broken, in one line. */
    public String reason() { return reason; }
    /** The whole verifier log up to the refusal. */
    public String log() { return log; }
}
