//! The window may call one command, `app_ready` (see capabilities/).

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&["app_ready"])),
    )
    .expect("tauri-build failed");
}
