//! What a window sends and gets back beyond single items: a quote typed in, an export asked
//! for, one item's citation, and the archive's header.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::SharedArchive;
use crate::export::{self, ExportOptions, Format, Selection, citation};
use crate::{
    Archive, Consent, Error, Id, Item, ItemDetails, ItemKind, QuoteDetails, Result, SearchRequest, Sensitivity,
    SortOrder, title_from_text,
};

/// Which archive the window shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchiveInfo {
    /// The archive folder.
    pub path: String,
    /// The folder's name, as the sidebar shows it.
    pub name: String,
    /// Whether another process writes to it, so this window may only read.
    pub read_only: bool,
    /// Whether it shows the demo record: the item added last belongs to it (nothing of the
    /// user's has been added since).
    pub demo: bool,
    /// Whether it is encrypted under a passphrase (and so can be locked).
    pub encrypted: bool,
}

/// A quote typed in, or a passage saved from an article (`source_item`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewQuote {
    /// The words, verbatim.
    pub text: String,
    pub speaker: Option<String>,
    pub role: Option<String>,
    pub context: Option<String>,
    /// An EDTF date.
    pub date: Option<String>,
    pub place: Option<String>,
    pub tags: Vec<String>,
    pub sensitivity: Sensitivity,
    pub consent: Consent,
    /// The article the passage was taken from.
    pub source_item: Option<String>,
}

/// What to export, how, and where.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportRequest {
    /// A collection's items, in its order…
    pub collection: Option<String>,
    /// …or these items (a search's results, as the window shows them).
    pub ids: Option<Vec<String>>,
    /// `json`, `csv`, `jsonld`, `bagit`, `csl-json`, `ris` or `citation`.
    pub format: String,
    /// The citation style: `chicago`, `mla` or `apa`.
    pub style: Option<String>,
    /// Let restricted (never private) items out for this export.
    pub include_restricted: bool,
    /// A bag as one zip file.
    pub zip: bool,
    /// The new folder or file.
    pub destination: String,
}

/// What an export wrote and what it kept back.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportOutcome {
    pub destination: String,
    /// Items written.
    pub exported: u64,
    /// Original files written.
    pub files: u64,
    /// Items kept back, and why.
    pub left_out: Vec<LeftOutItem>,
}

/// An item an export kept back.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LeftOutItem {
    pub id: String,
    pub kind: ItemKind,
    pub title: String,
    /// Why, as the privacy policy says it ("restricted", "quotes a minor").
    pub reason: String,
}

/// One item's citation, as it may leave the archive.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Citation {
    /// The citation, when the item may leave.
    pub text: Option<String>,
    /// Why it may not ("restricted", "quotes a minor").
    pub withheld: Option<String>,
}

impl SharedArchive {
    /// Which archive the window shows.
    pub fn info(&self) -> Result<ArchiveInfo> {
        let open = self.open_archive()?;
        let root = open.root();
        let (read_only, demo) = open.read(|archive| Ok((archive.is_read_only(), archive.newest_is_demo()?)))?;
        Ok(ArchiveInfo {
            path: root.display().to_string(),
            name: folder_name(root),
            read_only,
            demo,
            encrypted: open.is_encrypted(),
        })
    }
}

/// The folder's name, as the sidebar shows it.
pub fn folder_name(root: &std::path::Path) -> String {
    root.file_name().map_or_else(|| root.display().to_string(), |n| n.to_string_lossy().into_owned())
}

impl Archive {
    /// Whether the most recently added item belongs to the demo record.
    pub fn newest_is_demo(&self) -> Result<bool> {
        let newest = self.search(&SearchRequest { sort: SortOrder::Added, limit: 1, ..Default::default() })?;
        match newest.hits.first() {
            Some(hit) => Ok(self.get(hit.id)?.demo),
            None => Ok(false),
        }
    }

    /// Saves an edited item. A quote whose title is its words (as it is unless someone gave
    /// it another) gets the title of its new words, as `walkout edit --set text=…` does.
    pub fn save_edit(&mut self, mut item: Item) -> Result<Item> {
        if let ItemDetails::Quote(new) = &item.details {
            let stored = self.get(item.id)?;
            if let ItemDetails::Quote(old) = &stored.details
                && old.text != new.text
                && stored.title == title_from_text(&old.text)
            {
                item.title = title_from_text(&new.text);
            }
        }
        self.update_item(item)
    }

    /// Takes items out of a collection (the items stay in the archive).
    pub fn remove_from_collection(&mut self, name: &str, ids: &[String]) -> Result<()> {
        for id in ids {
            let mut item = self.get(self.resolve_id(id)?)?;
            let before = item.collections.len();
            item.collections.retain(|c| !c.eq_ignore_ascii_case(name.trim()));
            if item.collections.len() != before {
                self.update_item(item)?;
            }
        }
        Ok(())
    }

    /// Adds a quote. A passage of an article cites it as its source, takes its language,
    /// event and collections, and is at least as restricted as the article.
    pub fn add_new_quote(&mut self, quote: NewQuote) -> Result<Item> {
        let mut item = Item::quote(quote.text.trim(), self.now());
        let source = quote.source_item.as_deref().map(|id| self.get(self.resolve_id(id)?)).transpose()?;
        let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        item.details = ItemDetails::Quote(QuoteDetails {
            text: quote.text.trim().to_string(),
            speaker: nonempty(quote.speaker),
            role: nonempty(quote.role),
            context: nonempty(quote.context),
            source_item: source.as_ref().map(|s| s.id),
            translation: None,
        });
        item.date = nonempty(quote.date).map(|d| d.parse()).transpose()?;
        item.place = nonempty(quote.place);
        item.tags = quote.tags.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        item.sensitivity = quote.sensitivity;
        item.consent = quote.consent;
        if let Some(source) = &source {
            item.language = source.language.clone();
            item.event = source.event.clone();
            item.collections = source.collections.clone();
            item.sensitivity = item.sensitivity.stricter(source.sensitivity);
        }
        let id = self.add_item(item)?;
        self.get(id)
    }

    /// Exports a collection or chosen items through the export policy.
    pub fn export_request(&self, request: &ExportRequest) -> Result<ExportOutcome> {
        let selection = match (&request.collection, &request.ids) {
            (Some(name), _) => Selection::Collection(name.clone()),
            (None, Some(ids)) => Selection::Items(self.resolve_ids(ids)?),
            (None, None) => Selection::All,
        };
        let style = request.style.as_deref().map(citation::Style::parse).transpose()?.unwrap_or_default();
        let options = ExportOptions {
            selection,
            include_restricted: request.include_restricted,
            zip: request.zip && request.format == "bagit",
            style,
            ..ExportOptions::default()
        };
        let destination = PathBuf::from(request.destination.trim());
        if destination.as_os_str().is_empty() || destination.is_relative() {
            return Err(Error::invalid("destination", "choose where the export goes (a full path)"));
        }
        let report = export::export(self, Format::parse(&request.format)?, &options, &destination)?;
        let left_out = report
            .left_out
            .into_iter()
            .map(|left| {
                let item = self.get(left.id)?;
                Ok(LeftOutItem { id: left.id.to_string(), kind: item.kind(), title: item.title, reason: left.reason })
            })
            .collect::<Result<_>>()?;
        Ok(ExportOutcome {
            destination: destination.display().to_string(),
            exported: report.exported,
            files: report.files,
            left_out,
        })
    }

    /// Item `id`'s citation in `style` (`chicago`, `mla`, `apa`), through the export policy:
    /// names without consent are replaced, restricted and private items are not cited. In
    /// the reading room (`room`) an item the room hides is not found.
    pub fn citation_of(&self, room: bool, id: &str, style: &str) -> Result<Citation> {
        // The policy is applied once, by the citation itself, to the item as stored.
        let item = self.get(self.resolve_id(id)?)?;
        self.item_shown(room, item.clone())?;
        Ok(match citation::cite(self, &item, false, citation::Style::parse(style)?)? {
            Ok(text) => Citation { text: Some(text), withheld: None },
            Err(reason) => Citation { text: None, withheld: Some(reason) },
        })
    }

    /// Resolves ids as typed or shown (full or unique prefixes).
    pub fn resolve_ids(&self, ids: &[String]) -> Result<Vec<Id>> {
        ids.iter().map(|id| self.resolve_id(id)).collect()
    }
}
