use crate::common::*;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use walkout::ingest::{ImportLimits, ImportReport};
use walkout::{Archive, ItemDetails, SearchRequest};

// PDF articles, generated here (one page of Helvetica text, an info dictionary) so the test needs
// no third-party file; the corpus PDFs are checked by hand (BENCHMARKS.md notes what they give).

fn import(archive: &mut Archive, folder: PathBuf) -> ImportReport {
    archive.import_paths(&[folder], ImportLimits::default(), &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

fn failure<'a>(report: &'a ImportReport, file: &str) -> &'a str {
    &report
        .failed
        .iter()
        .find(|f| Path::new(&f.path).ends_with(file))
        .unwrap_or_else(|| panic!("{file} did not fail: {report:?}"))
        .error
}

#[test]
fn a_pdf_article_imports_with_its_title_and_text() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let folder = dir.path().join("press");
    let lines = ["Students walked out of Roosevelt High at ten,", "demanding that the district keep its promises."];
    write(&folder.join("walkout.pdf"), text_pdf(&lines, "<< /Title (Walkout at Roosevelt High) /Author (Ana Ruiz) >>"));
    write(&folder.join("untitled.pdf"), text_pdf(&["Second walkout planned for Friday", "at the flagpole."], "<< >>"));
    let report = import(&mut archive, folder);
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.added.len(), 2, "{report:?}");

    let item = archive.get(report.added.iter().find(|a| a.path.ends_with("walkout.pdf")).unwrap().id).unwrap();
    let ItemDetails::Article(article) = &item.details else { panic!("not an article: {item:?}") };
    assert_eq!(article.headline, "Walkout at Roosevelt High", "the Title of the document");
    assert_eq!(article.authors, vec!["Ana Ruiz".to_string()]);
    assert!(article.body.contains("Students walked out of Roosevelt High at ten"), "{:?}", article.body);
    assert!(article.body.contains("keep its promises"), "{:?}", article.body);

    let untitled = archive.get(report.added.iter().find(|a| a.path.ends_with("untitled.pdf")).unwrap().id).unwrap();
    assert_eq!(untitled.title, "Second walkout planned for Friday", "no Title: the first line");

    let hits = archive.search(&SearchRequest { query: "promises".into(), ..SearchRequest::default() }).unwrap();
    assert_eq!(hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![item.id], "the PDF's text is searchable");
}

#[test]
fn malformed_empty_and_encrypted_pdfs_fail_naming_the_file_and_the_rest_imports() {
    let dir = temp();
    let mut archive = Archive::create(&dir.path().join("archive")).unwrap();
    let folder = dir.path().join("press");
    let good = text_pdf(&["The walkout went on."], "<< /Title (Good) >>");
    write(&folder.join("good.pdf"), &good);
    write(&folder.join("cut.pdf"), &good[..good.len() / 3]);
    write(&folder.join("garbage.pdf"), b"%PDF-1.7\n\x00\x01 this is not a PDF body at all \xff\xfe");
    let blank = pdf(
        &[
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_string(),
        ],
        "",
    );
    write(&folder.join("blank.pdf"), blank);
    // Encrypted with a user password (the /U value is no empty password's).
    let hex32 = "A1".repeat(32);
    let id = "0F".repeat(16);
    let encrypt =
        format!("/Encrypt << /Filter /Standard /V 1 /R 2 /O <{hex32}> /U <{hex32}> /P -4 >> /ID [<{id}> <{id}>]");
    let encrypted = text_pdf_with_trailer(&["Secret minutes."], "<< >>", &encrypt);
    write(&folder.join("locked.pdf"), encrypted);

    let report = import(&mut archive, folder);
    assert_eq!(report.added.len(), 1, "{report:?}");
    assert!(report.added[0].path.ends_with("good.pdf"));
    assert_eq!(report.failed.len(), 4, "{report:?}");
    assert!(failure(&report, "cut.pdf").contains("not a readable PDF"), "{report:?}");
    assert!(failure(&report, "garbage.pdf").contains("not a readable PDF"), "{report:?}");
    assert!(failure(&report, "blank.pdf").contains("no text and no scanned pages"), "{report:?}");
    assert!(failure(&report, "locked.pdf").contains("encrypted"), "{report:?}");
    assert_eq!(archive.stats().unwrap().files, 1, "failed files leave nothing behind");
}
