//! Prints generated request #n (seed given) and both decisions.
use bench::rego::{Backend, RegoPeer};
use bench::{Generator, native, request};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed: u64 = u64::from_str_radix(args[1].trim_start_matches("0x"), 16).unwrap();
    let n: usize = args[2].parse().unwrap();
    let json = Generator::new(seed).take_json(n + 1).pop().unwrap();
    println!("{json}");
    let req = request::parse(&json).unwrap();
    println!(
        "native: {}",
        serde_json::to_string(&native::decide(&req)).unwrap()
    );
    for backend in [Backend::Interpreter, Backend::Rvm] {
        let mut peer = RegoPeer::new(backend).unwrap();
        println!("{backend:?}: {}", peer.decide(&json).unwrap());
    }
}
