package io.flexnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Every shape the benchmarks measure delivers every frame, with or without the NIC's verdict. */
class PipelineRigTest {
    @Test
    void everyShapeDeliversEveryFrame() {
        for (String shape : PipelineRig.SHAPES) {
            PipelineRig rig = new PipelineRig(shape);
            for (int i = 0; i < 1000; i++) rig.once();
            rig.check(1000);
            assertEquals(1000, rig.delivered(), shape);
            rig.close();
        }
    }

    @Test
    void refusesShapesItDoesNotKnow() {
        for (String bad : new String[] {"3", "fusedi", "v", "1vi"}) {
            assertThrows(RuntimeException.class, () -> new PipelineRig(bad), bad);
        }
    }

    @Test
    void measuresOneShapeInThisJvm() throws Exception {
        PipelineBenchmark.Row r = new PipelineBenchmark(2000, 1).measure("1v");
        assertEquals("1v", r.shape());
        assertEquals(true, r.nsPerPacket() > 0);
    }
}
