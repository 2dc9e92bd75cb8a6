/*
 * A HotSpot disassembler plugin on the Capstone engine, for reading the machine code the JIT makes of
 * the packet path (JMH's -prof perfasm, -XX:+PrintAssembly). Implements the one entry point HotSpot
 * calls, decode_instructions_virtual: for each instruction, an "insn" event with its address, the
 * instruction text, and an "/insn" event with the address after it. Build with tools/hsdis/build.
 */
#include <capstone/capstone.h>
#include <stddef.h>
#include <stdint.h>

typedef void *(*event_fn)(void *stream, const char *event, void *arg);
typedef int (*printf_fn)(void *stream, const char *format, ...);

void *decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char *buffer, uintptr_t length,
                                  event_fn event, void *event_stream, printf_fn print, void *print_stream,
                                  const char *options, int newline) {
    (void) end_va;
    (void) options;
    csh handle;
    cs_insn *insn;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return NULL;
    size_t count = cs_disasm(handle, buffer, length, start_va, 0, &insn);
    uintptr_t end = start_va;
    for (size_t i = 0; i < count; i++) {
        uintptr_t at = (uintptr_t) insn[i].address;
        event(event_stream, "insn", (void *) at);
        print(print_stream, "%-8s %s", insn[i].mnemonic, insn[i].op_str);
        end = at + insn[i].size;
        event(event_stream, "/insn", (void *) end);
        if (newline) print(print_stream, "\n");
    }
    if (count) cs_free(insn, count);
    cs_close(&handle);
    return (void *) end;
}
