//! Ways out of the archive. Every export chooses its items through `select`, which applies the
//! privacy rule: only public items leave unless the archivist asks for more, and the report
//! says how many were left out.

pub mod json;

use serde::{Deserialize, Serialize};

use crate::archive::Archive;
use crate::error::Result;
use crate::model::{Item, Sensitivity};
use crate::search::SearchRequest;

/// Which items an export takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selection {
    /// Every item.
    #[default]
    All,
    /// The items of a collection, in its order.
    Collection(String),
    /// The items a search finds, best first.
    Query(String),
}

/// What an export wrote and what it kept back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportReport {
    /// Items written.
    pub exported: u64,
    /// Original files written.
    pub files: u64,
    /// Items kept back, with the reason.
    pub left_out: Vec<LeftOut>,
}

/// An item an export did not include.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The item.
    pub id: crate::model::Id,
    /// Why.
    pub reason: String,
}

/// The items a selection takes, split into what may leave and what stays (with reasons).
/// `include_restricted` lets restricted (never private) items out for this export.
pub fn select(archive: &Archive, selection: &Selection, include_restricted: bool) -> Result<(Vec<Item>, Vec<LeftOut>)> {
    let items = match selection {
        Selection::All => archive.all_items()?,
        Selection::Collection(name) => archive.collection_items(name)?,
        Selection::Query(query) => {
            let mut request = SearchRequest::words(query.clone());
            request.limit = usize::MAX / 2;
            let total = archive.search(&SearchRequest { limit: 1, ..request.clone() })?.total as usize;
            request.limit = total.max(1);
            let ids: Vec<_> = archive.search(&request)?.hits.into_iter().map(|h| h.id).collect();
            ids.into_iter().map(|id| archive.get(id)).collect::<Result<_>>()?
        }
    };
    let mut keep = Vec::new();
    let mut left_out = Vec::new();
    for item in items {
        match item.sensitivity {
            Sensitivity::Public => keep.push(item),
            Sensitivity::Restricted if include_restricted => keep.push(item),
            Sensitivity::Restricted => left_out.push(LeftOut { id: item.id, reason: "restricted".to_string() }),
            Sensitivity::Private => left_out.push(LeftOut { id: item.id, reason: "private".to_string() }),
        }
    }
    Ok((keep, left_out))
}
