package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.nic.Await;
import io.flexnet.proto.tcp.TcpState;
import io.flexnet.runtime.RealRuntime;
import io.flexnet.socket.FakeTransport;
import io.flexnet.socket.TcpSocket;
import io.flexnet.socket.TcpSocketTest;
import io.flexnet.socket.TcpSockets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Echo and discard over the stream sockets, many clients at once, on an in-memory transport. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpServicesTest {
    final TcpSockets tcp = new TcpSockets(new FakeTransport(2048), RealRuntime.INSTANCE);

    @Test
    void echoSendsBackEveryByteToEachOfManyConcurrentClientsAndDiscardSwallowsThem() throws Exception {
        TcpServices services = new TcpServices(tcp, 7, 9, 64, RealRuntime.INSTANCE);
        services.start();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int clients = 12;
        for (int i = 0; i < clients; i++) {
            final int k = i;
            Thread t = new Thread(() -> {
                try {
                    TcpSocket c = tcp.open();
                    byte[] data = new byte[50_000 + k];
                    new Random(k).nextBytes(data);
                    c.connect(FakeTransport.LOCAL_IP, k % 2 == 0 ? 7 : 9);
                    Thread w = new Thread(() -> {
                        c.write(data, 0, data.length);
                        c.shutdownOutput();
                    });
                    w.start();
                    byte[] back = TcpSocketTest.readAll(c);
                    w.join();
                    if (k % 2 == 0) assertArrayEquals(data, back, "echo client " + k);
                    else assertEquals(0, back.length, "discard sends nothing");
                    c.close();
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join(30_000);
        assertEquals(List.of(), failures);
        Await.until(Duration.ofSeconds(20), () -> services.counters().get("closed") == clients,
                () -> services.counters().toString());
        services.stop();
        assertNull(services.failure());
        long echoed = 0, discarded = 0;
        for (int k = 0; k < clients; k++) {
            if (k % 2 == 0) echoed += 50_000 + k;
            else discarded += 50_000 + k;
        }
        assertEquals(echoed, services.counters().get("echoed-bytes"));
        assertEquals(discarded, services.counters().get("discarded-bytes"));
        assertEquals(clients, services.counters().get("accepted"));
        assertEquals(Map.of(), services.byState());
        assertTrue(services.summary().contains("open: none"), services.summary());
    }

    @Test
    void connectionsOpenAtTheStopAreReportedByState() throws Exception {
        TcpServices services = new TcpServices(tcp, 7, 0, 64, RealRuntime.INSTANCE);
        services.start();
        TcpSocket c = tcp.open();
        c.connect(FakeTransport.LOCAL_IP, 7);
        c.write(new byte[] {1}, 0, 1);
        assertEquals(1, c.read(new byte[1], 0, 1));
        services.stop();
        assertEquals(Map.of(TcpState.ESTABLISHED, 1), services.byState());
        assertTrue(services.summary().contains("established=1"), services.summary());
        services.closeAll();
        assertEquals(TcpState.CLOSE_WAIT, c.state(), "the service closed its end");
    }

    @Test
    void aResetConnectionIsCountedAndForgotten() throws Exception {
        TcpServices services = new TcpServices(tcp, 0, 9, 64, RealRuntime.INSTANCE);
        services.start();
        TcpSocket c = tcp.open();
        c.connect(FakeTransport.LOCAL_IP, 9);
        Await.until(Duration.ofSeconds(20), () -> services.counters().get("accepted") == 1, () -> "not accepted");
        c.abort();
        Await.until(Duration.ofSeconds(20), () -> services.counters().get("reset") == 1, () -> services.counters().toString());
        services.stop();
        assertEquals(Map.of(), services.byState());
    }

    @Test
    void badPortsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TcpServices(tcp, 7, 7, 8, RealRuntime.INSTANCE));
        assertThrows(IllegalArgumentException.class, () -> new TcpServices(tcp, 70_000, 0, 8, RealRuntime.INSTANCE));
    }
}
