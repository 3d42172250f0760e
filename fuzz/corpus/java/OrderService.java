package com.example.orders;

import java.util.List;

public class OrderService {
    private String status;

    public boolean isOpen() {
        return status == "OPEN";
    }

    public void place(String id, String customer, int qty, long price, String currency,
                      boolean express, String note, String coupon) {
        try {
            save(id);
        } catch (Exception e) {
        }
    }

    public int total(List<Integer> amounts) {
        int sum = 0;
        try {
            for (int a : amounts) {
                sum += a;
            }
        } finally {
            return sum;
        }
    }

    // TODO: support refunds
    public void refund(String id) {
        System.out.println("refund " + id);
    }

    private void save(String id) throws java.io.IOException {
        if (id.isEmpty()) {
            throw new java.io.IOException("empty id");
        }
    }
}
