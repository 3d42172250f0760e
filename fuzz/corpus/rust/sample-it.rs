#[test]
fn quantity_parses() {
    let n = orders::quantity(" 7 ");
    println!("parsed {n}");
    assert_eq!(Some(n).unwrap(), 7);
}
