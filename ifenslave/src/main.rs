//! ifenslave: placeholder until the SIOCBOND ioctls land (issue 3).
fn main() {
    eprintln!("ifenslave: not implemented yet");
    std::process::exit(1);
}
