// The flexnet command as a whole: help on every subcommand, and no stack trace when a command fails.
package io.flexnet.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void helpWorksOnEverySubcommandWithStatusZero() {
        CommandLine root = Main.commandLine();
        assertFalse(root.getSubcommands().isEmpty());
        for (String name : root.getSubcommands().keySet()) {
            for (String flag : new String[] {"--help", "-h"}) {
                String[] r = RunCommandTest.run(name, flag);
                assertEquals("0", r[0], name + " " + flag + ": " + r[2]);
                assertTrue(r[1].contains("Usage: flexnet " + name), name + " " + flag + " prints its usage: " + r[1]);
                assertEquals("", r[2], name + " " + flag + " prints no error");
            }
        }
    }

    @Test
    void aFailingCommandEndsInOneLineAndStatusTwo() {
        // A command that fails in a way nobody foresaw still ends in one line, through Main's handler.
        @CommandLine.Command(name = "boom")
        final class Boom implements Callable<Integer> {
            @Override
            public Integer call() throws Exception { throw new java.io.IOException("disk on fire"); }
        }
        CommandLine cl = Main.commandLine().addSubcommand(new Boom());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("boom"));
        assertEquals("flexnet boom: disk on fire" + System.lineSeparator(), err.toString());
    }
}
