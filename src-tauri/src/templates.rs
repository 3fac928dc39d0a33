//! Templates in the window: listed (the editor, the item view and the filter chips read them),
//! saved and deleted (not in the reading room), and the standard terms a field may map to.

use tauri::State;
use walkout::templates::{TERMS, Template};

use crate::error::CommandResult;
use crate::room::{ReadingRoom, writable};
use crate::state::ArchiveState;

#[tauri::command]
pub async fn list_templates(state: State<'_, ArchiveState>) -> CommandResult<Vec<Template>> {
    state.read(|archive| archive.templates())
}

#[tauri::command]
pub async fn save_template(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    template: Template,
) -> CommandResult<()> {
    writable(&reading_room)?;
    state.write(|archive| archive.save_template(&template))
}

#[tauri::command]
pub async fn delete_template(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    name: String,
) -> CommandResult<()> {
    writable(&reading_room)?;
    state.write(|archive| archive.delete_template(&name))
}

/// The template new items of a collection get.
#[tauri::command]
pub async fn collection_template(state: State<'_, ArchiveState>, name: String) -> CommandResult<Option<String>> {
    state.read(|archive| archive.collection_template(&name))
}

/// The terms a field may map to: (prefixed name, what it means).
#[tauri::command]
pub async fn template_terms() -> CommandResult<Vec<(String, String)>> {
    Ok(TERMS.iter().map(|(term, _, label)| (term.to_string(), label.to_string())).collect())
}

/// Sets (or clears) the template a collection's new items get.
#[tauri::command]
pub async fn set_collection_template(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    collection: String,
    template: Option<String>,
) -> CommandResult<()> {
    writable(&reading_room)?;
    state.write(|archive| archive.set_collection_template(&collection, template.as_deref()))
}

/// Writes every template to a file the archivist chose, to share with another archive.
#[tauri::command]
pub async fn export_templates(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    path: String,
) -> CommandResult<()> {
    writable(&reading_room)?;
    let bytes = state.read(|archive| archive.export_templates())?;
    std::fs::write(&path, bytes).map_err(|e| walkout::Error::io(&path, e))?;
    Ok(())
}

/// Takes in a templates file; each template is checked before any is saved. Returns the names.
#[tauri::command]
pub async fn import_templates(
    state: State<'_, ArchiveState>,
    reading_room: State<'_, ReadingRoom>,
    path: String,
) -> CommandResult<Vec<String>> {
    writable(&reading_room)?;
    let bytes = std::fs::read(&path).map_err(|e| walkout::Error::io(&path, e))?;
    state.write(|archive| archive.import_templates(&bytes))
}
