package com.example.broken;

public class Broken {
    void ok() {
        try { work(); } catch (Throwable t) { handle(t); }
    }

    void broken( {
        int x = ;
    }

    void after() {
        System.err.println("still analysed");
    }
}
