//! `walkout history`, `walkout revert`, `walkout log` and `walkout user`: the archive's edit
//! history, as text or JSON.

use std::path::Path;

use anyhow::{Context, bail};
use serde_json::Value;
use walkout::history::{FieldChange, OperationKind, RevertPlan};

use crate::open::{open_reader, open_writer};

/// A field's value, short, for a line of text.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::Null => "—".to_string(),
        Value::String(s) if s.is_empty() => "—".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 70 { format!("{}…", flat.chars().take(70).collect::<String>()) } else { flat }
}

fn print_changes(changes: &[FieldChange]) {
    for c in changes {
        println!("    {}: {} → {}", c.field, shown(&c.old), shown(&c.new));
    }
}

/// `walkout history ID [--json]`.
pub fn history(dir: &Path, id: &str, json: bool) -> anyhow::Result<()> {
    let archive = open_reader(dir)?;
    let id = archive.resolve_id(id)?;
    let versions = archive.history(id)?;
    if json {
        println!("{}", serde_json::to_string(&versions)?);
        return Ok(());
    }
    for v in &versions {
        let what = if v.deleted { " (deleted)".to_string() } else { String::new() };
        println!(
            "version {}{what}  {}  {}  {} #{}: {}",
            v.version,
            v.at.format("%Y-%m-%d %H:%M"),
            v.user,
            v.operation.kind.as_str(),
            v.operation.id,
            v.operation.summary
        );
        print_changes(&v.changes);
    }
    if versions.is_empty() {
        println!("no changes recorded since the archive began keeping its history");
    }
    Ok(())
}

/// `walkout revert ID --to VERSION`, or `walkout revert --operation N [--dry-run]`.
pub fn revert(
    dir: &Path,
    id: Option<String>,
    to: Option<u32>,
    operation: Option<i64>,
    dry_run: bool,
    json: bool,
) -> anyhow::Result<()> {
    match (id, to, operation) {
        (Some(id), Some(version), None) => {
            let mut archive = open_writer(dir)?;
            let id = archive.resolve_id(&id)?;
            let item = archive.restore_version(id, version)?;
            if json {
                println!("{}", serde_json::to_string(&item)?);
            } else {
                let now = archive.history(id)?.last().map(|v| v.version).unwrap_or(0);
                println!("restored version {version} of {id} as version {now}");
            }
            Ok(())
        }
        (None, None, Some(operation)) => {
            let plan = if dry_run {
                open_reader(dir)?.revert_plan(operation)?
            } else {
                open_writer(dir)?.revert_operation(operation)?
            };
            if json {
                println!("{}", serde_json::to_string(&plan)?);
            } else {
                print_plan(&plan, dry_run);
            }
            Ok(())
        }
        _ => bail!("give an item and a version (`walkout revert ID --to 2`) or an operation (`--operation 14`)"),
    }
}

fn print_plan(plan: &RevertPlan, dry_run: bool) {
    let verb = if dry_run { "would change back" } else { "changed back" };
    println!("operation #{} ({}): {}", plan.operation.id, plan.operation.kind.as_str(), plan.operation.summary);
    for (id, title, fields) in &plan.items {
        println!("  {verb} {id} “{title}”");
        print_changes(fields);
    }
    for (id, title) in &plan.removed {
        println!("  {} {id} “{title}”", if dry_run { "would delete" } else { "deleted" });
    }
    for (id, title) in &plan.restored {
        println!("  {} {id} “{title}”", if dry_run { "would put back" } else { "put back" });
    }
    for c in &plan.conflicts {
        println!(
            "  conflict: “{}” ({}) had its {} changed later (version {}, by {} on {})",
            c.title,
            c.item,
            c.field,
            c.version,
            c.user,
            c.at.format("%Y-%m-%d %H:%M")
        );
    }
}

/// `walkout log [--since DATE] [--user U] [--kind K] [--json]`.
pub fn log(
    dir: &Path,
    since: Option<String>,
    user: Option<String>,
    kind: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let archive = open_reader(dir)?;
    let since = since
        .map(|s| {
            let date: walkout::EdtfDate =
                s.parse().with_context(|| format!("--since {s:?}: give a date (2026-01-30)"))?;
            let day = date.range().0;
            anyhow::Ok(day.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        })
        .transpose()?;
    let kind = kind.map(|k| OperationKind::parse(&k)).transpose()?;
    let operations = archive.log(since, user.as_deref(), kind)?;
    if json {
        println!("{}", serde_json::to_string(&operations)?);
        return Ok(());
    }
    for op in &operations {
        println!(
            "#{:<5} {}  {:<10} {:<12} {} ({} changes)",
            op.id,
            op.at.format("%Y-%m-%d %H:%M"),
            op.user,
            op.kind.as_str(),
            op.summary,
            op.changes
        );
    }
    Ok(())
}

/// `walkout user [NAME]`.
pub fn user(dir: &Path, name: Option<String>) -> anyhow::Result<()> {
    match name {
        Some(name) => {
            let mut archive = open_writer(dir)?;
            archive.set_user(&name)?;
            println!("changes are now recorded as made by {}", archive.user()?);
        }
        None => println!("{}", open_reader(dir)?.user()?),
    }
    Ok(())
}

/// `walkout template …`.
pub fn template(dir: &Path, command: crate::cli::TemplateCommand) -> anyhow::Result<()> {
    use crate::cli::TemplateCommand;
    match command {
        TemplateCommand::List { json } => {
            let templates = open_reader(dir)?.templates()?;
            if json {
                println!("{}", serde_json::to_string(&templates)?);
                return Ok(());
            }
            for t in &templates {
                let kind = t.kind.map(|k| format!(" ({}s)", k.as_str())).unwrap_or_default();
                println!("{}{kind}", t.name);
                for f in &t.fields {
                    let term = f.term.as_deref().map(|t| format!(" → {t}")).unwrap_or_default();
                    let required = if f.required { ", required" } else { "" };
                    let options =
                        if f.options.is_empty() { String::new() } else { format!(": {}", f.options.join(" | ")) };
                    println!("    {} “{}” {:?}{required}{term}{options}", f.key, f.label, f.kind);
                }
            }
        }
        TemplateCommand::Import { file } => {
            let bytes = walkout::templates::read_file(&file)?;
            let names = open_writer(dir)?.import_templates(&bytes).with_context(|| format!("{}", file.display()))?;
            println!("imported {} templates: {}", names.len(), names.join(", "));
        }
        TemplateCommand::Export { out } => {
            let bytes = open_reader(dir)?.export_templates()?;
            std::fs::write(&out, bytes).with_context(|| format!("{}", out.display()))?;
            println!("wrote {}", out.display());
        }
        TemplateCommand::Delete { name } => {
            open_writer(dir)?.delete_template(&name)?;
            println!("deleted the template {name}");
        }
        TemplateCommand::Default { collection, template, clear: _ } => {
            open_writer(dir)?.set_collection_template(&collection, template.as_deref())?;
            println!("{collection}: {}", template.as_deref().unwrap_or("no template"));
        }
    }
    Ok(())
}
