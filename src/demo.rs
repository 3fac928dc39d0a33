//! The demo archive: a small catalog of the movement's public record, so the app is never empty
//! on first start. Every item is marked `demo`. It holds only what the public record says — no
//! invented outlets, names or precision: where the record gives no day, the date says only the
//! year, and unnamed speakers are described, not named.

use crate::archive::Archive;
use crate::date::EdtfDate;
use crate::error::Result;
use crate::model::{ArticleDetails, Gps, Item, ItemDetails, QuoteDetails};
use crate::store;

const RIGHTS: &str = "Demo content: a summary of the public record, for trying Walkout Archive";
const CREDIT: &str = "Walkout Archive demo";
const SOURCE: &str = "Summary of public reporting on the 2026 student walkouts";

struct Note {
    headline: &'static str,
    body: &'static str,
    date: &'static str,
    place: &'static str,
    event: &'static str,
    tags: &'static [&'static str],
}

struct Said {
    text: &'static str,
    speaker: &'static str,
    role: &'static str,
    context: &'static str,
    date: &'static str,
    place: &'static str,
    event: &'static str,
    tags: &'static [&'static str],
}

const PLACES: &[(&str, f64, f64)] = &[
    ("Minneapolis, Minnesota", 44.9778, -93.2650),
    ("Iowa City, Iowa", 41.6611, -91.5302),
    ("New York, New York", 40.7128, -74.0060),
    ("Los Angeles, California", 34.0522, -118.2437),
    ("Seattle, Washington", 47.6062, -122.3321),
    ("Norcross, Georgia", 33.9412, -84.2135),
];

const EVENTS: &[(&str, &str, &str, &str)] = &[
    (
        "National student walkout",
        "2026-01-30",
        "United States",
        "Tens of thousands of students walked out of high schools and universities across the United States, in red and blue states alike, against immigration enforcement in their schools and neighbourhoods.",
    ),
    (
        "University of Minnesota rally",
        "2026",
        "Minneapolis, Minnesota",
        "Students of the University of Minnesota rallied against immigration enforcement in the Twin Cities.",
    ),
    (
        "Meadowcreek High School walkout",
        "2026",
        "Norcross, Georgia",
        "Students of Meadowcreek High School in Norcross, Georgia joined the protests.",
    ),
    (
        "Walkouts, sit-ins and rallies",
        "2026",
        "United States",
        "Students held walkouts, sit-ins and rallies in Minneapolis, Iowa City, New York and Los Angeles.",
    ),
    (
        "Withdrawal of 700 agents from Minneapolis",
        "2026",
        "Minneapolis, Minnesota",
        "After the protests, the administration withdrew 700 agents from Minneapolis.",
    ),
];

const NOTES: &[Note] = &[
    Note {
        headline: "Tens of thousands of students walk out across the United States",
        body: "On January 30, 2026, tens of thousands of students walked out of their schools across the United States, in red and blue states alike, protesting immigration enforcement in their schools and neighbourhoods.\n\nThe walkouts answered a call for a national student walkout, under the slogan \u{201c}ICE Out!\u{201d}",
        date: "2026-01-30",
        place: "United States",
        event: "National student walkout",
        tags: &["walkout", "national", "immigration enforcement"],
    },
    Note {
        headline: "Meadowcreek High School students in Norcross, Georgia join the protests",
        body: "Students of Meadowcreek High School in Norcross, Georgia joined the student protests against immigration enforcement.",
        date: "2026",
        place: "Norcross, Georgia",
        event: "Meadowcreek High School walkout",
        tags: &["walkout", "high school"],
    },
    Note {
        headline: "Walkouts, sit-ins and rallies in Minneapolis, Iowa City, New York and Los Angeles",
        body: "Students organised walkouts, sit-ins and rallies in Minneapolis, Iowa City, New York and Los Angeles as part of the movement against immigration enforcement.",
        date: "2026",
        place: "United States",
        event: "Walkouts, sit-ins and rallies",
        tags: &["walkout", "sit-in", "rally"],
    },
    Note {
        headline: "Students walk out in Iowa City",
        body: "Students in Iowa City walked out as part of the national movement against immigration enforcement.",
        date: "2026",
        place: "Iowa City, Iowa",
        event: "Walkouts, sit-ins and rallies",
        tags: &["walkout"],
    },
    Note {
        headline: "Students protest in New York",
        body: "Students in New York joined the walkouts, sit-ins and rallies against immigration enforcement.",
        date: "2026",
        place: "New York, New York",
        event: "Walkouts, sit-ins and rallies",
        tags: &["walkout", "rally"],
    },
    Note {
        headline: "Students protest in Los Angeles",
        body: "Students in Los Angeles joined the walkouts, sit-ins and rallies against immigration enforcement.",
        date: "2026",
        place: "Los Angeles, California",
        event: "Walkouts, sit-ins and rallies",
        tags: &["walkout", "rally"],
    },
    Note {
        headline: "Administration withdraws 700 agents from Minneapolis after the protests",
        body: "After the student protests, the administration withdrew 700 immigration agents from Minneapolis.",
        date: "2026",
        place: "Minneapolis, Minnesota",
        event: "Withdrawal of 700 agents from Minneapolis",
        tags: &["immigration enforcement", "outcome"],
    },
];

const QUOTES: &[Said] = &[
    Said {
        text: "The Twin Cities belong to us. It doesn't belong to them.",
        speaker: "Students at the University of Minnesota",
        role: "students, University of Minnesota",
        context: "Said at the University of Minnesota rally during the walkouts against immigration enforcement.",
        date: "2026",
        place: "Minneapolis, Minnesota",
        event: "University of Minnesota rally",
        tags: &["rally", "university"],
    },
    Said {
        text: "It's the threat and the fear of intimidation while you're trying to pursue your education, which to me, is really horrible.",
        speaker: "A Seattle student",
        role: "student, Seattle",
        context: "A student in Seattle on what immigration enforcement near schools means for students.",
        date: "2026",
        place: "Seattle, Washington",
        event: "National student walkout",
        tags: &["walkout", "education", "fear"],
    },
    Said {
        text: "ICE Out!",
        speaker: "Student protesters",
        role: "students joining the national walkout",
        context: "The slogan of the call for a national student walkout.",
        date: "2026-01-30",
        place: "United States",
        event: "National student walkout",
        tags: &["walkout", "slogan", "national"],
    },
];

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

/// Fills an empty archive with the demo record.
pub fn populate(archive: &mut Archive) -> Result<()> {
    let now = archive.now();
    let mut items = Vec::new();
    for note in NOTES {
        let mut item = Item::new(
            note.headline,
            ItemDetails::Article(ArticleDetails {
                headline: note.headline.to_string(),
                outlet: None,
                authors: Vec::new(),
                url: None,
                body: note.body.to_string(),
                sha256: None,
                file_name: None,
                date_rule: None,
            }),
            now,
        );
        item.date = Some(note.date.parse()?);
        item.place = Some(note.place.to_string());
        item.event = Some(note.event.to_string());
        item.tags = tags(note.tags);
        items.push(item);
    }
    for said in QUOTES {
        let mut item = Item::quote(said.text, now);
        item.details = ItemDetails::Quote(QuoteDetails {
            text: said.text.to_string(),
            speaker: Some(said.speaker.to_string()),
            role: Some(said.role.to_string()),
            context: Some(said.context.to_string()),
            source_item: None,
            translation: None,
        });
        item.date = Some(said.date.parse()?);
        item.place = Some(said.place.to_string());
        item.event = Some(said.event.to_string());
        item.tags = tags(said.tags);
        items.push(item);
    }
    for item in &mut items {
        item.demo = true;
        item.language = Some("en".to_string());
        item.source = Some(SOURCE.to_string());
        item.credit = Some(CREDIT.to_string());
        item.rights = Some(RIGHTS.to_string());
        item.collections = vec!["January 30, 2026 walkouts".to_string()];
    }
    archive.add_items(&items)?;
    archive.write(|tx| {
        for (name, lat, lon) in PLACES {
            store::locate_place(tx, name, Gps { lat: *lat, lon: *lon })?;
        }
        for (name, date, place, description) in EVENTS {
            store::describe_event(tx, name, Some(&date.parse::<EdtfDate>()?), Some(place), Some(description))?;
        }
        // The speakers are described, not named: exports show them by that description (the
        // archivist's pseudonym), never by a name no one consented to.
        for said in QUOTES {
            store::set_person_protection(tx, said.speaker, None, None, Some(Some(&described_by_role(said.role))))?;
        }
        store::add_organization(tx, "University of Minnesota", Some("university"), Some("Minneapolis, Minnesota"))?;
        store::add_organization(tx, "Meadowcreek High School", Some("high school"), Some("Norcross, Georgia"))?;
        store::set_collection(
            tx,
            "January 30, 2026 walkouts",
            Some("The national student walkout against immigration enforcement and the protests around it."),
            &[],
        )?;
        store::meta_set(tx, "demo", "true")
    })
}

/// "student, Seattle" → "a student, Seattle"; "undocumented worker" → "an undocumented worker";
/// plural or already determined roles ("students at …", "the marchers") stay as they are.
fn described_by_role(role: &str) -> String {
    let role = role.trim();
    let first = role.split([' ', ',']).next().unwrap_or("").to_lowercase();
    let determined = ["a", "an", "the", "some", "two", "three", "several", "many"].contains(&first.as_str());
    let plural = first.len() > 3 && first.ends_with('s') && !first.ends_with("ss");
    if determined || plural {
        return role.to_string();
    }
    let article = if first.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {role}")
}

#[cfg(test)]
mod tests {
    use super::described_by_role;

    #[test]
    fn roles_read_as_descriptions_of_someone() {
        assert_eq!(described_by_role("student, Seattle"), "a student, Seattle");
        assert_eq!(described_by_role("undocumented worker"), "an undocumented worker");
        assert_eq!(described_by_role("students, University of Minnesota"), "students, University of Minnesota");
        assert_eq!(described_by_role("a student at Meadowcreek High School"), "a student at Meadowcreek High School");
        assert_eq!(described_by_role("class president"), "a class president");
    }
}
