package com.example.shop;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** A shopping cart with an inner class, lambdas and a partially covered method. */
public class Cart {

    private final List<Item> items = new ArrayList<>();
    private Discount discount = Discount.NONE;

    /** Non-static inner class: compiles to Cart$Item. */
    public class Item {
        final String sku;
        final int quantity;
        final long unitCents;

        Item(String sku, int quantity, long unitCents) {
            this.sku = sku;
            this.quantity = quantity;
            this.unitCents = unitCents;
        }

        long total() {
            return quantity * unitCents;
        }

        Cart owner() {
            return Cart.this;
        }
    }

    public Cart add(String sku, int quantity, long unitCents) {
        Objects.requireNonNull(sku, "sku");
        if (quantity <= 0) {
            throw new IllegalArgumentException("quantity must be positive: " + quantity);
        }
        if (unitCents < 0 || unitCents > 1_000_000) {
            throw new IllegalArgumentException("bad price: " + unitCents);
        }
        items.add(new Item(sku, quantity, unitCents));
        return this;
    }

    public void applyDiscount(String code) {
        this.discount = Discount.parse(code);
    }

    public long subtotal() {
        return items.stream().mapToLong(Item::total).sum();
    }

    public long total() {
        return discount.apply(subtotal());
    }

    /** New in the PR: covered only for the non-empty case. */
    public long maxUnitCents() {
        if (items.isEmpty()) {
            return 0;
        }
        long max = Long.MIN_VALUE;
        for (Item i : items) {
            max = Math.max(max, i.unitCents);
        }
        return max;
    }

    /** New in the PR: restores a saved cart; no test covers it yet. */
    public Cart restore(String saved) {
        try {
            for (String sku : saved.split(",")) {
                add(sku.trim(), 1, Long.parseLong(sku.replaceAll("\\D", "")));
            }
        } catch (Exception e) {
        }
        return this;
    }

    public List<String> skusAbove(long cents) {
        return items.stream()
                .filter(i -> i.unitCents > cents)
                .map(i -> i.sku)
                .sorted()
                .collect(Collectors.toList());
    }

    /** Partially covered: tests never hit the bulk or empty branches. */
    public String describe() {
        if (items.isEmpty()) {
            return "empty cart";
        }
        StringBuilder sb = new StringBuilder();
        int count = 0;
        for (Item i : items) {
            count += i.quantity;
            if (i.quantity >= 100) {
                sb.append("[bulk] ");
            }
            sb.append(i.sku).append(' ');
        }
        return sb.append("(").append(count).append(count == 1 ? " item)" : " items)").toString();
    }
}
