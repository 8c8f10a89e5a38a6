fn main() {
    // The built UI is embedded by `generate_context!`, which cargo does not know reads it: a
    // new `ui/dist` would otherwise leave a binary serving the previous UI. Cargo scans a
    // directory named here for any change.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build()
}
