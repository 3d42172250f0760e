//! Prices, in cents.
use std::error::Error;

pub fn total(prices: &[f64], discount: f64) -> u64 {
    let sum: f64 = dbg!(prices.iter().sum());
    let cents = (sum * (1.0 - discount) * 100.0) as u64;
    println!("total {cents}");
    cents
}

pub fn load(path: &str) -> Result<String, Box<dyn Error>> {
    Ok(std::fs::read_to_string(path)?)
}

pub fn refund(_order: u32) -> u64 {
    // TODO: partial refunds
    todo!()
}

pub fn read_raw(p: *const u8) -> u8 {
    unsafe { *p }
}

pub fn classify(rows: &[Vec<i32>]) -> usize {
    let mut n = 0;
    for row in rows {
        if !row.is_empty() {
            for x in row {
                if *x > 0 {
                    while n < 10 {
                        n += 1;
                    }
                }
            }
        }
    }
    n
}
