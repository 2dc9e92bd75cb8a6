package io.flexnet.proto.tcp;

import static io.flexnet.fixture.Frame.*;
import static io.flexnet.proto.tcp.TcpRig.*;
import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.packet.DropReason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The checklist of STYLE.md §16: every RFC 9293 state × {RST, bad ACK, out-of-window SEQ, FIN, close,
 * timeout}. Each test puts a connection in the state, injects one segment (or makes one call, or moves
 * the clock), asserts exactly what the stack sent and where the connection went, then that nothing
 * more was sent and every slot came back.
 */
class TcpStatesTest {

    /** A connection brought to a state, with the sequence numbers the peer would use next. */
    static final class At {
        final TcpRig r = new TcpRig();
        StreamConnection c;
        Listener listener;
        /** Our SND.NXT (FIN counted), what the peer has acknowledged of it, and our RCV.NXT. */
        long snd, una, rcv;

        TcpState state() {
            if (c != null) return c.state();
            return r.tcp.stateCounts().keySet().stream().filter(s -> s != TcpState.LISTEN).findFirst()
                    .orElse(listener != null && !listener.isClosed() ? TcpState.LISTEN : TcpState.CLOSED);
        }

        io.flexnet.fixture.Frame seg() { return c != null ? r.to(c) : r.seg(); }
    }

    static At reach(TcpState s) {
        At a = new At();
        TcpRig r = a.r;
        switch (s) {
            case CLOSED -> { }
            case LISTEN -> a.listener = r.tcp.listen(PORT, 16);
            case SYN_SENT -> {
                a.c = r.synSent();
                a.snd = r.ourNxt;
                a.una = r.iss;
            }
            case SYN_RECEIVED -> {
                a.listener = r.synReceived();
                a.snd = r.ourNxt;
                a.una = r.iss;
                a.rcv = r.peerNxt;
            }
            default -> {
                a.c = r.established();
                a.snd = a.una = r.ourNxt;
                a.rcv = r.peerNxt;
                switch (s) {
                    case FIN_WAIT_1, FIN_WAIT_2, CLOSING, TIME_WAIT -> {
                        a.c.close();
                        r.sent(ACK | FIN, a.snd, a.rcv);
                        a.snd++;
                        if (s == TcpState.FIN_WAIT_2 || s == TcpState.TIME_WAIT) {
                            r.in(a.seg().seq(a.rcv).ack(a.snd));
                            a.una = a.snd;
                        }
                        if (s == TcpState.CLOSING || s == TcpState.TIME_WAIT) {
                            r.in(a.seg().flags(ACK | FIN).seq(a.rcv).ack(a.una));
                            a.rcv++;
                            r.sent(ACK, a.snd, a.rcv);
                        }
                    }
                    case CLOSE_WAIT, LAST_ACK -> {
                        r.in(a.seg().flags(ACK | FIN).seq(a.rcv).ack(a.una));
                        a.rcv++;
                        r.sent(ACK, a.snd, a.rcv);
                        if (s == TcpState.LAST_ACK) {
                            a.c.close();
                            r.sent(ACK | FIN, a.snd, a.rcv);
                            a.snd++;
                        }
                    }
                    default -> { }
                }
            }
        }
        r.nothingSent();
        assertEquals(s, a.state(), "reached");
        return a;
    }

    static boolean synchronizedState(TcpState s) {
        return s != TcpState.CLOSED && s != TcpState.LISTEN && s != TcpState.SYN_SENT;
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void exactReset(TcpState s) {
        At a = reach(s);
        TcpRig r = a.r;
        switch (s) {
            case CLOSED, LISTEN -> {
                r.in(a.seg().flags(RST).seq(5000).ack(0));
                r.nothingSent();
                assertEquals(s, a.state());
            }
            case SYN_SENT -> {
                r.in(a.seg().flags(RST | ACK).seq(0).ack(a.snd));
                r.nothingSent();
                assertEquals(TcpState.CLOSED, a.state());
                TcpException e = assertThrows(TcpException.class, () -> a.c.read(new byte[1], 0, 1));
                assertTrue(e.getMessage().contains("refused"), e.getMessage());
            }
            case TIME_WAIT -> {
                // RFC 1337: the wait is not cut short, so old duplicates cannot reach a new incarnation.
                r.in(a.seg().flags(RST).seq(a.rcv).ack(0));
                r.nothingSent();
                assertEquals(TcpState.TIME_WAIT, a.state());
                assertEquals(1L, r.stack.dropsByReason().get("tcp-time-wait-rst"));
            }
            default -> {
                r.in(a.seg().flags(RST).seq(a.rcv).ack(0));
                r.nothingSent();
                assertEquals(TcpState.CLOSED, a.c != null ? a.c.state() : TcpState.CLOSED);
                assertEquals(0, r.tcp.connections(), "a reset connection leaves the table");
                if (s == TcpState.ESTABLISHED || s == TcpState.FIN_WAIT_1 || s == TcpState.FIN_WAIT_2
                        || s == TcpState.CLOSE_WAIT) {
                    if (s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT) {
                        TcpException e = assertThrows(TcpException.class, () -> a.c.write(new byte[1], 0, 1));
                        assertTrue(e.getMessage().contains("reset"), e.getMessage());
                    }
                }
                assertEquals(1, r.tcp.counters().get("rst-received"));
            }
        }
        finish(a);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void resetInsideTheWindowButNotExactGetsAChallengeAck(TcpState s) {
        At a = reach(s);
        TcpRig r = a.r;
        if (!synchronizedState(s)) {
            // Without an acceptable ACK a reset means nothing here (SYN_SENT), or there is nothing to reset.
            r.in(a.seg().flags(RST).seq(a.rcv + 100).ack(0));
            r.nothingSent();
            assertEquals(s, a.state());
        } else {
            r.in(a.seg().flags(RST).seq(a.rcv + 100).ack(0));
            r.sent(ACK, a.snd, a.rcv);
            r.nothingSent();
            assertEquals(s, a.state(), "a challenge ACK changes nothing");
            assertEquals(1, r.tcp.rcv().drops().get(DropReason.TCP_CHALLENGED));
        }
        finish(a);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void ackOfDataNeverSent(TcpState s) {
        At a = reach(s);
        TcpRig r = a.r;
        long bad = a.snd + 1000;
        r.in(a.seg().flags(ACK).seq(s == TcpState.CLOSED || s == TcpState.LISTEN ? 5000 : a.rcv).ack(bad));
        switch (s) {
            case CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED -> r.sent(RST, bad, 0);  // RFC 9293: <SEQ=SEG.ACK><CTL=RST>
            default -> {
                r.sent(ACK, a.snd, a.rcv);
                assertTrue(r.tcp.rcv().drops().get(DropReason.TCP_BAD_ACK) == 1);
            }
        }
        r.nothingSent();
        assertEquals(s, a.state());
        finish(a);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void segmentOutsideTheWindow(TcpState s) {
        At a = reach(s);
        TcpRig r = a.r;
        switch (s) {
            case CLOSED -> {
                r.in(a.seg().flags(ACK).seq(900_000).ack(77).payload(10));
                r.sent(RST, 77, 0);
            }
            case LISTEN, SYN_SENT -> {
                // No SYN: nothing to synchronise with (SYN_SENT: an acceptable ACK without SYN is ignored).
                r.in(a.seg().flags(s == TcpState.LISTEN ? PSH : ACK).seq(900_000).ack(a.snd).payload(10));
            }
            default -> {
                r.in(a.seg().flags(ACK).seq(a.rcv + 900_000).ack(a.una).payload(10));
                r.sent(ACK, a.snd, a.rcv);
                assertEquals(1, r.tcp.rcv().drops().get(DropReason.TCP_OUT_OF_WINDOW));
            }
        }
        r.nothingSent();
        assertEquals(s, a.state());
        finish(a);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void fin(TcpState s) {
        At a = reach(s);
        TcpRig r = a.r;
        TcpState next = s;
        switch (s) {
            case CLOSED -> {
                r.in(a.seg().flags(ACK | FIN).seq(5000).ack(77));
                r.sent(RST, 77, 0);
            }
            case LISTEN, SYN_SENT -> r.in(a.seg().flags(FIN).seq(5000).ack(0));  // ignored
            case SYN_RECEIVED -> {
                r.in(a.seg().flags(ACK | FIN).seq(a.rcv).ack(a.snd));
                r.sent(ACK, a.snd, a.rcv + 1);
                next = TcpState.CLOSE_WAIT;
                assertNotNull(a.listener.accept(), "established, then the FIN: acceptable, at end of stream");
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> {
                r.in(a.seg().flags(ACK | FIN).seq(a.rcv).ack(a.una));
                r.sent(ACK, a.snd, a.rcv + 1);
                next = s == TcpState.ESTABLISHED ? TcpState.CLOSE_WAIT
                        : s == TcpState.FIN_WAIT_1 ? TcpState.CLOSING : TcpState.TIME_WAIT;
            }
            default -> {
                // CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT: the peer's FIN again; our ACK was lost.
                r.in(a.seg().flags(ACK | FIN).seq(a.rcv - 1).ack(a.una));
                r.sent(ACK, a.snd, a.rcv);
            }
        }
        r.nothingSent();
        assertEquals(next, a.state());
        finish(a);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void applicationCloses(TcpState s) {
        At a = reach(s);
        TcpRig r = a.r;
        TcpState next = s;
        switch (s) {
            case CLOSED -> { }
            case LISTEN, SYN_RECEIVED -> {
                a.listener.close();
                next = s == TcpState.LISTEN ? TcpState.CLOSED : s;
            }
            case SYN_SENT -> {
                a.c.close();
                next = TcpState.CLOSED;
            }
            case ESTABLISHED -> {
                a.c.close();
                r.sent(ACK | FIN, a.snd, a.rcv);
                next = TcpState.FIN_WAIT_1;
            }
            case CLOSE_WAIT -> {
                a.c.close();
                r.sent(ACK | FIN, a.snd, a.rcv);
                next = TcpState.LAST_ACK;
            }
            default -> a.c.close();  // closed already: nothing more to send
        }
        r.nothingSent();
        assertEquals(next, a.state());
        finish(a);
    }

    @ParameterizedTest
    @EnumSource(TcpState.class)
    void timeout(TcpState s) {
        At a = reach(s);
        TcpRig r = a.r;
        TcpState next = s;
        switch (s) {
            case SYN_SENT -> {
                r.advance(1_001 * MS);  // RFC 6298's initial RTO: 1 s
                r.sent(SYN, r.iss, 0);
            }
            case SYN_RECEIVED -> {
                r.advance(1_001 * MS);
                r.sent(SYN | ACK, r.iss, a.rcv);
            }
            case FIN_WAIT_1, CLOSING, LAST_ACK -> {
                r.advance(1_500 * MS);
                r.sent(ACK | FIN, a.snd - 1, a.rcv);
            }
            case FIN_WAIT_2 -> {
                r.advance(61_000 * MS);  // an orphan's FIN_WAIT_2 ends (Linux's tcp_fin_timeout)
                next = TcpState.CLOSED;
            }
            case TIME_WAIT -> {
                r.advance(2_001 * MS);  // 2·MSL as configured
                next = TcpState.CLOSED;
            }
            default -> r.advance(10_000 * MS);  // nothing outstanding: nothing happens
        }
        r.nothingSent();
        assertEquals(next, a.state());
        if (next == TcpState.CLOSED) assertEquals(0, r.tcp.connections());
        finish(a);
    }

    static void finish(At a) {
        if (a.c != null && a.c.state() != TcpState.CLOSED) a.c.abort();
        a.r.close();
    }
}
