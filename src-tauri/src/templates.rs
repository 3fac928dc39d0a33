//! Templates in the window: listed (the editor, the item view and the filter chips read them),
//! saved, deleted, shared as a file (not in the reading room), and the standard terms a field
//! may map to.

use walkout::templates::{TERMS, Template};

reads!(list_templates() -> Vec<Template>, |archive| archive.templates());
changes!(save_template(template: Template) -> (), |archive| archive.save_template(&template));
changes!(delete_template(name: String) -> (), |archive| archive.delete_template(&name));
reads!(
    /// The template new items of a collection get.
    collection_template(name: String) -> Option<String>, |archive| archive.collection_template(&name)
);
changes!(
    /// Sets (or clears) the template a collection's new items get.
    set_collection_template(collection: String, template: Option<String>) -> (),
    |archive| archive.set_collection_template(&collection, template.as_deref())
);
changes!(
    /// Writes every template to a file the archivist chose, to share with another archive.
    export_templates(path: String) -> (),
    |archive| std::fs::write(&path, archive.export_templates()?).map_err(|e| walkout::Error::io(&path, e))
);
changes!(
    /// Takes in a templates file; each template is checked before any is saved.
    import_templates(path: String) -> Vec<String>,
    |archive| archive.import_templates(&walkout::templates::read_file(std::path::Path::new(&path))?)
);

/// The terms a field may map to: (prefixed name, what it means).
#[tauri::command]
pub async fn template_terms() -> crate::error::CommandResult<Vec<(String, String)>> {
    Ok(TERMS.iter().map(|(term, _, label)| (term.to_string(), label.to_string())).collect())
}
