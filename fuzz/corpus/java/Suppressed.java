package com.example.orders;

public class Suppressed {
    // gate:ignore[empty-catch-block] closing is best effort
    void close(AutoCloseable c) { try { c.close(); } catch (Exception ignoredToo) { } }

    @SuppressWarnings("gate:system-out-print")
    void banner() {
        System.out.println("orders v1");
    }

    void debug(Throwable t) {
        t.printStackTrace(); // NOSONAR kept for the demo
    }

    @SuppressWarnings("java:S2221")
    void sonarKey() {
        try { run(); } catch (Exception e) { log(e); }
    }

    void run() { }

    void log(Exception e) { }
}
