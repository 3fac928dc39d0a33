//! The `thumb:` protocol: the window's only way to images. It serves the two derived sizes of
//! a stored photo of the open archive, by hash — `thumb://localhost/<sha256>%2F<grid|preview>`
//! (`http://thumb.localhost/…` on Windows) — and nothing else (the engine's
//! `window::thumbs`: no paths, no original files; in the reading room, public photos only,
//! their boxes burned in).

use tauri::http::{Response, StatusCode, header};
use walkout::Error;
use walkout::window::thumbs::{for_window, parse_address};

use crate::room::ReadingRoom;
use crate::state::ArchiveState;

/// The scheme the UI builds its image URLs with (`convertFileSrc(path, "thumb")`).
pub const SCHEME: &str = "thumb";

/// Answers one request of the `thumb:` protocol.
pub fn respond(state: &ArchiveState, reading_room: &ReadingRoom, path: &str) -> Response<Vec<u8>> {
    let Some((sha, size)) = parse_address(path) else {
        return plain(StatusCode::BAD_REQUEST, "not a thumbnail address");
    };
    match for_window(state, reading_room.on(), &sha, size) {
        Ok(Some(jpeg)) => jpeg_response(jpeg.as_ref().clone()),
        // Hidden: as if there were no such photo.
        Ok(None) => plain(StatusCode::NOT_FOUND, "no such photo"),
        Err(e @ Error::NoPreview { .. }) => plain(StatusCode::NOT_FOUND, &e.to_string()),
        Err(e @ Error::Locked { .. }) => plain(StatusCode::FORBIDDEN, &e.to_string()),
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// A thumbnail, never kept by the webview's cache: its disk cache would hold an encrypted
/// archive's pictures in plaintext, and a plain archive's after they were deleted or purged.
fn jpeg_response(jpeg: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "image/jpeg")
        .header(header::CACHE_CONTROL, "no-store")
        .body(jpeg)
        .expect("a valid response")
}

fn plain(status: StatusCode, message: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(message.as_bytes().to_vec())
        .expect("a valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_are_never_cached_by_the_webview() {
        let response = jpeg_response(vec![0xff, 0xd8]);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    }
}
