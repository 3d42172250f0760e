fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1) {
        Some(text) => println!("{}", orders::quantity(text)),
        None => {
            eprintln!("usage: orders QUANTITY");
            std::process::exit(2);
        }
    }
}
