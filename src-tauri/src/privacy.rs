//! The commands that protect people: flags, pseudonyms and consent records of a person, why an
//! item is restricted, redaction boxes on photos (and the photo as it would be exported), and
//! what the reading room (room.rs) may show. Each one is one engine call
//! (`walkout::window::privacy`).

use tauri::ipc::Response;
use walkout::privacy::{ConsentRecord, PersonPrivacy};
use walkout::window::privacy::{BrowseEntry, ItemPrivacy, PersonProtection};
use walkout::{Item, Redaction};

keeps!(
    /// A person's flags and consents: the archivist's to see, not a visitor's.
    person_privacy(name: String) -> PersonPrivacy,
    |archive| archive.person_privacy_or_none(&name)
);

changes!(set_person_protection(name: String, protection: PersonProtection) -> PersonPrivacy, |archive| {
    archive.protect_person(&name, &protection)
});

changes!(
    /// Adds a consent record (a grant, a refusal or a revocation); the newest of a scope is in force.
    record_consent(name: String, record: ConsentRecord) -> PersonPrivacy,
    |archive| {
        archive.record_consent(&name, record)?;
        archive.person_privacy(&name)
    }
);

sees!(item_privacy(id: String) -> ItemPrivacy, |archive, room| {
    archive.item_privacy(&archive.item_shown(room.on(), archive.get(archive.resolve_id(&id)?)?)?)
});

changes!(
    /// Replaces a photo's redaction boxes (fractions of the upright image).
    set_redactions(id: String, redactions: Vec<Redaction>) -> Item,
    |archive| archive.set_redactions(&id, redactions)
);

sees!(
    /// The upright preview of a photo (JPEG bytes), for plain and encrypted archives. In the
    /// reading room it is the photo as exports show it: its boxes burned in.
    photo_preview(id: String) -> Response,
    |archive, room| archive.photo_preview(room.on(), &id).map(Response::new)
);

sees!(
    /// The photo as an export writes it: upright, its boxes burned in, no metadata.
    photo_export_preview(id: String) -> Response,
    |archive, room| archive.photo_as_exported(room.on(), &id).map(Response::new)
);

reads!(
    /// The tags, people, places or events that public items use, with their counts: Browse in
    /// the reading room, which must not name what only restricted items mention.
    browse_public(what: String) -> Vec<BrowseEntry>,
    |archive| archive.browse_public(&what)
);
