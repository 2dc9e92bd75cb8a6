// `flexnet ctl PATH tenants`: each held port's owner, and what its tenant holds of each cap.
package io.flexnet.serve;

import static org.junit.jupiter.api.Assertions.*;

import io.flexnet.interpose.Owner;
import io.flexnet.interpose.OwnerTable;
import io.flexnet.interpose.TenantLimits;
import org.junit.jupiter.api.Test;

class TenantsViewTest {
    @Test
    void showsEachTenantsUseAgainstItsCaps() {
        OwnerTable owners = new OwnerTable();
        owners.limits().set(owners.id("pg"), new TenantLimits.Limit(4, 256, 1 << 20, 32));
        owners.bind(OwnerTable.PROTO_UDP, 5432, new Owner("pg", "postgres", "postgres"), 64);
        owners.bind(OwnerTable.PROTO_TCP, 8080, new Owner("web", "www", "nginx"), 16);
        assertThrows(RuntimeException.class,
                () -> owners.bind(OwnerTable.PROTO_UDP, 5433, new Owner("pg", "postgres", "postgres"), 512));
        Table t = ServeViews.tenants(owners);
        assertEquals("""
                Proto  Port  Tenant  User      Program   Sockets  Slots   Bytes      Entries  Refused
                udp    5432  pg      postgres  postgres  1/4      64/256  0/1048576  cap 32   1
                tcp    8080  web     www       nginx     1        16      0          -        0
                """, t.text());
        assertTrue(t.json().contains("\"Slots\": \"64/256\""), t.json());
        assertTrue(t.json().contains("\"Refused\": 1"), t.json());
    }
}
