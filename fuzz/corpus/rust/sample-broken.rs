// Not a module of the crate: a file syn cannot parse.
pub fn broken( {
    1
}
