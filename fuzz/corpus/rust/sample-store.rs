//! Saving orders.
use std::sync::mpsc::Sender;

pub fn save(tx: &Sender<u32>, id: u32, fail: bool) {
    let _ = tx.send(id);
    if fail {
        std::process::exit(3);
    }
}

pub fn forget_buffer(buf: Vec<u8>) {
    std::mem::forget(buf);
}

pub fn state(code: u8) -> &'static str {
    match code {
        0 => "new",
        1 => "paid",
        _ => unreachable!(),
    }
}

pub fn address(a: &str, b: &str, c: &str, d: &str, e: &str, f: &str, g: &str, h: &str) -> String {
    [a, b, c, d, e, f, g, h].join("\n")
}
