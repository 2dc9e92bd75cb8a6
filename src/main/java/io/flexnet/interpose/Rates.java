// Rates as tc writes them: 10Mbit, 512Kbit, 1Gbit.
package io.flexnet.interpose;

final class Rates {
    private Rates() {}

    static String format(long bitsPerSecond) {
        if (bitsPerSecond % 1_000_000_000L == 0) return bitsPerSecond / 1_000_000_000L + "Gbit";
        if (bitsPerSecond % 1_000_000L == 0) return bitsPerSecond / 1_000_000L + "Mbit";
        if (bitsPerSecond % 1_000L == 0) return bitsPerSecond / 1_000L + "Kbit";
        return bitsPerSecond + "bit";
    }
}
