//! The quotes a tier is made of. Given a corpus folder, real text: the attributed quotes and the
//! bodies of real news articles cut into passages. Without one, a seeded generator of English
//! and Spanish-like sentences and names, so the bench runs on a fresh clone. A tier of N items
//! repeats the base quotes, each round suffixed with its own counter word so that no two quotes
//! are equal (the importer would drop duplicates), and gives every item a date, a place and
//! tags drawn from the same seeded generator.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// A base quote.
pub struct Quote {
    pub text: String,
    pub author: String,
    pub lang: String,
}

/// The base quotes and where they came from.
pub struct Pool {
    pub quotes: Vec<Quote>,
    pub source: Source,
}

pub enum Source {
    Corpus { dir: PathBuf, quotes: usize, article_passages: usize },
    Generated { seed: u64 },
}

impl Pool {
    pub fn describe(&self) -> String {
        match &self.source {
            Source::Corpus { dir, quotes, article_passages } => {
                format!("{quotes} real quotes and {article_passages} passages of real articles from {}", dir.display())
            }
            Source::Generated { seed } => format!("generated, seed {seed:#x}"),
        }
    }

    pub fn to_json(&self) -> Value {
        match &self.source {
            Source::Corpus { dir, quotes, article_passages } => json!({
                "kind": "corpus", "dir": dir, "quotes": quotes, "article_passages": article_passages,
                "base_quotes": self.quotes.len(),
            }),
            Source::Generated { seed } => {
                json!({ "kind": "generated", "seed": seed, "base_quotes": self.quotes.len() })
            }
        }
    }
}

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same tier everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// An index into a list of `n` whose first entries are far more common (Zipf, s = 1).
    fn zipf(&mut self, cumulative: &[f64]) -> usize {
        let total = *cumulative.last().expect("weights");
        let x = (self.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        cumulative.partition_point(|&c| c < x).min(cumulative.len() - 1)
    }
}

fn zipf_weights(n: usize) -> Vec<f64> {
    let mut sum = 0.0;
    (0..n)
        .map(|rank| {
            sum += 1.0 / (rank as f64 + 1.0);
            sum
        })
        .collect()
}

/// The key the engine deduplicates quotes by: words single-spaced and lowercased.
fn name_key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Reads `DIR/quotes/quotes_attributed.jsonl` and, when present,
/// `DIR/articles/scrapinghub-aeb/ground-truth.json`.
pub fn load_corpus(dir: &Path) -> Result<Pool, String> {
    let quotes_path = [dir.join("quotes/quotes_attributed.jsonl"), dir.join("quotes_attributed.jsonl")]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{}: no quotes/quotes_attributed.jsonl in the corpus folder", dir.display()))?;
    let file = std::fs::File::open(&quotes_path).map_err(|e| format!("{}: {e}", quotes_path.display()))?;
    let mut quotes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| format!("{}: {e}", quotes_path.display()))?;
        let Ok(v) = serde_json::from_str::<Value>(&line) else { continue };
        let text = v["text"].as_str().unwrap_or("").trim().to_string();
        let author = v["author"].as_str().unwrap_or("").trim().to_string();
        let lang = v["lang"].as_str().unwrap_or("en").to_string();
        if !text.is_empty() && !author.is_empty() && seen.insert((name_key(&text), name_key(&author))) {
            quotes.push(Quote { text, author, lang });
        }
    }
    let real_quotes = quotes.len();
    let articles = dir.join("articles/scrapinghub-aeb/ground-truth.json");
    if articles.is_file() {
        let text = std::fs::read_to_string(&articles).map_err(|e| format!("{}: {e}", articles.display()))?;
        let truth: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", articles.display()))?;
        let mut pages: Vec<(&String, &Value)> = truth.as_object().into_iter().flatten().collect();
        pages.sort_by(|a, b| a.0.cmp(b.0));
        for (_, page) in pages {
            let outlet = outlet_of(page["url"].as_str().unwrap_or(""));
            for passage in passages(page["articleBody"].as_str().unwrap_or("")) {
                if seen.insert((name_key(&passage), name_key(&outlet))) {
                    quotes.push(Quote { text: passage, author: outlet.clone(), lang: "en".to_string() });
                }
            }
        }
    }
    if quotes.is_empty() {
        return Err(format!("{}: no quotes in the corpus", quotes_path.display()));
    }
    let article_passages = quotes.len() - real_quotes;
    Ok(Pool { quotes, source: Source::Corpus { dir: dir.to_path_buf(), quotes: real_quotes, article_passages } })
}

/// `https://www.wsj.com/articles/…` → `wsj.com`.
fn outlet_of(url: &str) -> String {
    let host = url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or("");
    let host = host.strip_prefix("www.").unwrap_or(host);
    if host.is_empty() { "unknown outlet".to_string() } else { host.to_string() }
}

/// An article body cut at sentence ends into passages of a quote's length (60–300 characters).
fn passages(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in body.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
        let mut current = String::new();
        for sentence in paragraph.split_inclusive(['.', '!', '?']) {
            if !current.is_empty() && current.len() + sentence.len() > 300 {
                out.push(std::mem::take(&mut current).trim().to_string());
            }
            current.push_str(sentence);
            if current.len() >= 60 {
                out.push(std::mem::take(&mut current).trim().to_string());
            }
        }
        if current.trim().len() >= 20 {
            out.push(current.trim().to_string());
        }
    }
    out
}

const ENGLISH: &str = "the of and to a in that is was he for it with as his on be at by i this had not are but from \
    or have an they which one you were her all she there would their we him been has when who will more no if out \
    so said what up its about into than them can only other new some could time these two may then do first any my \
    now such like our over man me even most made after also did many before must through back years where much your \
    way well down should because each just those people how too little state good very make world still own see men \
    work long get here between both life being under never day same another know while last might us great old year \
    off come since against go came right used take three states himself few house use during without again place \
    around however home small found thought went say part once general high upon school every does got united left \
    number course war until always away something fact though water less public put think almost hand enough far \
    took head yet government system better set told nothing night end why called didn find going look asked later \
    knew point next program city business give group toward young days let room president side social present \
    love freedom peace truth students teachers walkout march education educational educated educator justice \
    community voice future rights country change history power money heart children family friends hope fear";

const SPANISH: &str = "de la que el en y a los se del las un por con no una su para es al lo como más pero sus le ya o \
    este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno \
    les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos \
    mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros vida amor tiempo mundo hombre mujer \
    día vez casa país escuela estudiantes maestros libertad justicia paz verdad corazón pueblo historia futuro \
    derechos esperanza miedo familia amigos niños trabajo ciudad gobierno marcha huelga educación palabra noche \
    camino tierra fuerza memoria lucha voz sueño razón alma dolor muerte cielo agua fuego";

const FIRST_NAMES: &str = "Ana María José Luis Carmen Jorge Sofía Diego Lucía Mateo Valentina Santiago Camila Daniel \
    Isabella Gabriel Ximena Andrés Elena Pablo Emma Liam Olivia Noah Ava Ethan Mia Lucas Harper James Amelia Benjamin \
    Evelyn Henry Abigail Samuel Grace Leo Chloe Owen Nora Caleb Ruth Isaac Joan Marcus Alicia Tomás Rosa Héctor";

const LAST_NAMES: &str = "García Martínez López Hernández González Pérez Rodríguez Sánchez Ramírez Torres Flores \
    Rivera Gómez Díaz Cruz Morales Reyes Ortiz Gutiérrez Chávez Smith Johnson Williams Brown Jones Miller Davis \
    Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker Hall Allen Young \
    King Wright Scott Nguyen Hill Green Adams Baker Nelson Carter Mitchell Roberts";

/// Base quotes made up from word lists, for runs without a corpus.
pub fn generate(seed: u64) -> Pool {
    const BASE: usize = 20_000;
    let english: Vec<&str> = ENGLISH.split_whitespace().collect();
    let spanish: Vec<&str> = SPANISH.split_whitespace().collect();
    let first: Vec<&str> = FIRST_NAMES.split_whitespace().collect();
    let last: Vec<&str> = LAST_NAMES.split_whitespace().collect();
    let (en_weights, es_weights) = (zipf_weights(english.len()), zipf_weights(spanish.len()));
    let author_weights = zipf_weights(first.len() * last.len());
    let mut rng = Rng::new(seed);
    let mut seen = std::collections::HashSet::new();
    let mut quotes = Vec::with_capacity(BASE);
    while quotes.len() < BASE {
        let spanish_quote = rng.below(5) < 2;
        let (words, weights) = if spanish_quote { (&spanish, &es_weights) } else { (&english, &en_weights) };
        let length = 6 + rng.below(23);
        let mut text = String::new();
        for i in 0..length {
            let word = words[rng.zipf(weights)];
            if i == 0 {
                let mut chars = word.chars();
                text.extend(chars.next().into_iter().flat_map(char::to_uppercase));
                text.push_str(chars.as_str());
            } else {
                text.push(if rng.below(9) == 0 { ',' } else { ' ' });
                if text.ends_with(',') {
                    text.push(' ');
                }
                text.push_str(word);
            }
        }
        text.push('.');
        let who = rng.zipf(&author_weights);
        let author = format!("{} {}", first[who % first.len()], last[who / first.len()]);
        if seen.insert(name_key(&text)) {
            let lang = if spanish_quote { "es" } else { "en" };
            quotes.push(Quote { text, author, lang: lang.to_string() });
        }
    }
    Pool { quotes, source: Source::Generated { seed } }
}

const PLACES: [&str; 24] = [
    "Minneapolis",
    "St. Paul",
    "Los Angeles",
    "Chicago",
    "San Antonio",
    "Houston",
    "Phoenix",
    "Denver",
    "Ciudad de México",
    "Guadalajara",
    "Oakland",
    "San José",
    "El Paso",
    "Tucson",
    "Albuquerque",
    "Brooklyn",
    "The Bronx",
    "Miami",
    "Atlanta",
    "Seattle",
    "Portland",
    "Dallas",
    "Austin",
    "Santa Ana",
];

const TAGS: [&str; 10] =
    ["walkout", "ice", "school", "march", "teachers", "police", "vigil", "strike", "media", "legal"];

/// A word made of syllables, different for every round, that no query word starts with.
fn counter_word(round: usize) -> String {
    const SYLLABLES: [&str; 20] = [
        "ka", "ke", "ki", "ko", "ku", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "ra", "re", "ri",
        "ro", "ru",
    ];
    let mut word = String::from("z");
    let mut n = round;
    loop {
        word.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
        if n == 0 {
            return word;
        }
    }
}

/// A day from September 2025 to March 2026, sometimes only its month or its year.
fn date(rng: &mut Rng) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(2025, 9, 1).expect("date") + chrono::Days::new(rng.below(212) as u64);
    match rng.below(20) {
        0 => day.format("%Y").to_string(),
        1..=3 => day.format("%Y-%m").to_string(),
        _ => day.format("%Y-%m-%d").to_string(),
    }
}

/// What `write_tier` wrote.
pub struct TierFile {
    pub bytes: u64,
}

/// Writes a tier of `items` quotes as JSON Lines (`text`, `author`, `lang`, `date`, `place`,
/// `tags`), the format `walkout import` reads.
pub fn write_tier(pool: &Pool, items: usize, seed: u64, path: &Path) -> Result<TierFile, String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let mut out = BufWriter::new(std::fs::File::create(path).map_err(fail)?);
    let mut rng = Rng::new(seed ^ 0xD47E);
    let place_weights = zipf_weights(PLACES.len());
    for i in 0..items {
        let base = &pool.quotes[i % pool.quotes.len()];
        let round = i / pool.quotes.len();
        let text = if round == 0 { base.text.clone() } else { format!("{} {}", base.text, counter_word(round)) };
        let mut tags: Vec<&str> = (0..rng.below(3)).map(|_| TAGS[rng.below(TAGS.len())]).collect();
        tags.sort_unstable();
        tags.dedup();
        let line = json!({
            "text": text,
            "author": base.author,
            "lang": base.lang,
            "date": date(&mut rng),
            "place": PLACES[rng.zipf(&place_weights)],
            "tags": tags,
        });
        serde_json::to_writer(&mut out, &line).map_err(|e| fail(e.into()))?;
        out.write_all(b"\n").map_err(fail)?;
    }
    out.flush().map_err(fail)?;
    let bytes = std::fs::metadata(path).map_err(fail)?.len();
    Ok(TierFile { bytes })
}

/// One line of a tier file, as the baselines read it.
pub struct Row {
    pub text: String,
    pub author: String,
    pub lang: String,
    pub date: String,
    pub place: String,
    pub tags: Vec<String>,
}

impl Row {
    pub fn parse(line: &str) -> Option<Row> {
        let v: Value = serde_json::from_str(line).ok()?;
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        let tags = v["tags"].as_array().map(|a| a.iter().filter_map(|t| t.as_str().map(String::from)).collect());
        Some(Row {
            text: s("text"),
            author: s("author"),
            lang: s("lang"),
            date: s("date"),
            place: s("place"),
            tags: tags.unwrap_or_default(),
        })
    }

    /// Everything search reads, as the engine joins it: the words, speaker, place and tags.
    pub fn searchable_text(&self) -> String {
        let mut parts = vec![self.text.as_str(), self.author.as_str(), self.place.as_str()];
        parts.extend(self.tags.iter().map(String::as_str));
        parts.join("\n")
    }
}
