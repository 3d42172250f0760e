package com.example.orders;

public final class OrderKey {
    private final String id;

    public OrderKey(String id) {
        this.id = id;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OrderKey k && k.id.equals(id);
    }

    public String kind(int code) {
        switch (code) {
            case 1:
                return "retail";
            case 2:
                return "wholesale";
        }
        return "unknown";
    }
}
