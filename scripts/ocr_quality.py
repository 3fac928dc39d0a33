#!/usr/bin/env python3
"""OCR quality: Walkout's OCR (through the `walkout` CLI) against plain `tesseract IMG stdout`.

Builds a test set (issue 16, "Measure it") and measures it:

- Sign photos: real photos from ../shared/corpora/photos (only those whose license allows it,
  see PHOTOS below; the set records which ones it used in truth.json and CREDITS.md) with
  sign-like text rendered onto them: boards (cardboard, posters, with a shadow and sometimes a
  stick) and banner-style outlined lettering, ~40 sign texts of the movement in English and
  Spanish, the DejaVu fonts of fonts-dejavu-core, several colours and sizes. Categories: upright,
  tilted 1-15 degrees either way, the whole photo turned 90/180/270 degrees (as a phone without
  EXIF orientation leaves it), and small text (cap height ~9-16 px).
- Scanned-style pages, clean (PNG) and noisy (skewed, tinted, uneven light, specks, blur, low
  JPEG quality), in English and Spanish, a headline and a few sentences each.
The ground truth is the rendered text. The build is deterministic (seeded per image).

Scores, per category and tool (micro averages over the category's images):
- CER / WER: edit distance over the true text's length in characters / whitespace-separated
  words, after NFKC, typographic quotes and dashes made plain, and whitespace collapsed; case and
  accents count. Garbage read from the photo counts too, so either can exceed 100%.
- word recall: the share of true words (with multiplicity) found in the recognised text, both
  case- and accent-folded (`\\w+` tokens).
- search recall (sign categories only): each distinct true word of two letters or more, per
  image, and whether a search finds that image. Walkout: `walkout search WORD --json` (its real
  analysers: stemming, accent folding, fuzzy correction). Baseline: what `grep -iw` finds in the
  saved tesseract output, accent-folded: a whole-word match.
- throughput: images per CPU-second (user+sys of the OCR process, i.e. images per second per
  core) and per wall-clock second. The baseline runs one `tesseract` process at a time with
  OMP_THREAD_LIMIT=1 (one core; the output is the same as with more threads).

Baseline: `tesseract IMG stdout` with default options (English), and `-l eng+spa`.
Walkout: `walkout --archive A init`, `import DIR/images --json`, `ocr --all --json`
(`{"recognised", "skipped", "failed": [{"id", "error"}], "seconds"}`; exit 2 when some failed),
`show ID --json` (the item's `ocr_text`, absent when nothing was read), `search WORD --json --limit 1000`.

    python3 scripts/ocr_quality.py --build DIR [--signs N] [--pages N] [--seed S]
    python3 scripts/ocr_quality.py --set DIR [--no-baseline] [--walkout [PATH]] [--json OUT] [--limit N]
    python3 scripts/ocr_quality.py                 # builds target/ocr-quality/set if missing, runs the baseline

Pillow (pinned below) runs from a venv under target/ (created on first use), only for --build.
"""

import argparse
import collections
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where cargo puts what it builds: CARGO_TARGET_DIR when set (relative to the repository, as
# cargo reads it here), else target/.
TARGET = ROOT / os.environ.get("CARGO_TARGET_DIR", "target")
VENV = TARGET / "ocr-venv"
PILLOW = "Pillow==11.3.0"
WORK = TARGET / "ocr-quality"
DEFAULT_PHOTOS = ROOT.parent / "shared" / "corpora" / "photos"
FONTS = Path("/usr/share/fonts/truetype/dejavu")  # fonts-dejavu-core: on every Debian machine


def ensure_pillow():
    """Imports Pillow, or re-runs this script under a venv in target/ that has it."""
    try:
        import PIL  # noqa: F401

        return
    except ImportError:
        pass
    if os.environ.get("WALKOUT_OCR_VENV") == "1":
        sys.exit(f"Pillow is still missing in {VENV}")
    python = VENV / "bin" / "python"
    if not python.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit("python3 -m venv failed: install python3-venv (apt-get install python3-venv)")
    probe = subprocess.run([str(python), "-c", "import PIL"], capture_output=True)
    if probe.returncode != 0:
        print(f"== installing {PILLOW} into {VENV}", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", PILLOW], check=True)
    os.environ["WALKOUT_OCR_VENV"] = "1"
    script = str(Path(sys.argv[0]).resolve())
    os.execv(str(python), [str(python), script, *sys.argv[1:]])


# ---------------------------------------------------------------------------------------------
# The test set's inputs
# ---------------------------------------------------------------------------------------------

EXIF_SAMPLES = "ianare/exif-samples @ 5332a9cf0220e9c6c93f88a187daa90808051e10"
PILLOW_TESTS = "python-pillow/Pillow Tests/images @ 4e5f09f533dbd0d87d39951f48b62f4d1a421cba"
BY_SA = "CC BY-SA 4.0"
# The photos whose license allows this use (../shared/corpora/photos/SOURCES.md and the READMEs
# beside them): Pillow's test images are MIT-CMU (LICENSE.pillow); exif-samples' README releases
# user-contributed images under CC BY-SA 4.0, and these folders name no other origin (jpg/hdr/
# names its contributor). Left out: exif-samples jpg/*.jpg and tiff/ (Wikimedia Commons, each
# under its own page's license, not recorded; and 100 px thumbnails), jpg/exif-org/ (exif.org
# samples, no license), jpg/gps/ (SpatiaLite sample data, no license stated), jpg/orientation/,
# jpg/invalid/, jpg/xmp/ (origin unstated), heic/ (needs pillow-heif), tests/45-gps_ifd.jpg (a
# video game's rendering: not the contributor's to license), tests/42_IndexError.jpg (a painting),
# tests/35-empty.jpg and Pillow's iptc.jpg (lettering of their own that the ground truth would
# lack), tests/67-0_length_string.jpg (plain grey), tests/32-lens_data.jpeg and Pillow's hopper
# and exif.png (tiny or synthetic); exiftool-t-images/ (8x8 px, Artistic/GPL).
PHOTOS = [
    ("exif-samples/jpg/hdr/canon_hdr_NO.jpg", BY_SA, EXIF_SAMPLES + ", contributed by Jesus Cea"),
    ("exif-samples/jpg/hdr/iphone_hdr_NO.jpg", BY_SA, EXIF_SAMPLES + ", contributed by Jesus Cea"),
    ("exif-samples/jpg/mobile/HMD_Nokia_8.3_5G.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/mobile/jolla.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/tests/11-tests.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/tests/22-canon_tags.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/tests/28-hex_value.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/tests/30-type_error.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/tests/33-type_error.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/tests/36-memory_error.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("exif-samples/jpg/tests/87_OSError.jpg", BY_SA, EXIF_SAMPLES + ", user-contributed"),
    ("pillow-tests/flower.jpg", "MIT-CMU", PILLOW_TESTS),
    ("pillow-tests/flower2.jpg", "MIT-CMU", PILLOW_TESTS),
    ("pillow-tests/frozenpond.mpo", "MIT-CMU", PILLOW_TESTS),
    ("pillow-tests/sugarshack.mpo", "MIT-CMU", PILLOW_TESTS),
    ("pillow-tests/xmp_test.jpg", "MIT-CMU", PILLOW_TESTS),
]

SIGNS = [
    # English
    "ICE OUT",
    "Education not deportation",
    "Books not borders",
    "Roosevelt High walks out",
    "No one is illegal",
    "Schools not prisons",
    "We are not afraid",
    "Protect our families",
    "Students united",
    "Keep families together",
    "Hands off our schools",
    "Our future, our voice",
    "Walk out, speak up",
    "Abolish ICE",
    "Classrooms not cages",
    "Dreamers are here to stay",
    "Education is a human right",
    "Lincoln High stands together",
    "Immigrants make America",
    "Let them learn",
    "Justice for all students",
    "Sanctuary schools now",
    # Spanish
    "Educación no deportación",
    "Somos estudiantes",
    "Libros no fronteras",
    "Ni uno más",
    "Aquí estamos y no nos vamos",
    "La escuela es nuestra",
    "Sí se puede",
    "Familias unidas",
    "Nadie es ilegal",
    "Estudiantes sin miedo",
    "Queremos aprender, no deportaciones",
    "Unidos por la educación",
    "¡Fuera ICE!",
    "Soñadores presentes",
    "El pueblo unido jamás será vencido",
    "Justicia para nuestras familias",
    "Educación sin fronteras",
    "Mi familia no es ilegal",
    "Lucha estudiantil",
    "Garfield High con los inmigrantes",
]

HEADLINES = {
    "en": [
        "Students walk out across the city",
        "Thousands march for their classmates",
        "Walkout reaches City Hall",
        "A school day spent in the streets",
    ],
    "es": [
        "Miles de estudiantes salen a la calle",
        "La marcha llega al ayuntamiento",
        "Un día de clase en la calle",
        "Los jóvenes alzan la voz",
    ],
}

SENTENCES = {
    "en": [
        "More than two thousand students left their classrooms at ten in the morning on Friday.",
        "They marched from Roosevelt High School to City Hall carrying hand-painted signs.",
        "Organizers said the walkout was planned in three days through group chats.",
        "The district reminded families that students who leave class may be marked absent.",
        "Several teachers stood at the school gates and watched the march pass.",
        "A junior who spoke at the rally said her parents had been afraid to send her to school.",
        "Police closed two blocks of First Street while the students passed.",
        "The school board will discuss a sanctuary resolution at its meeting next Tuesday.",
        "Parents brought water and food to the students waiting outside the federal building.",
        "The principal said no student would be suspended for taking part in a peaceful protest.",
        "Chants of education not deportation echoed across the campus.",
        "By noon the crowd had grown to nearly five thousand people.",
        "Student leaders asked everyone to return to class by the end of the day.",
        "The walkout was the largest in the city since the protests of 2006.",
        "A spokesperson for the district said classes would continue as normal on Monday.",
        "Many of the signs were written in both English and Spanish.",
        "Some students from nearby middle schools joined the march along the way.",
        "The rally ended with a moment of silence for families separated by deportation.",
        "Volunteers from a legal aid group handed out cards explaining the rights of students.",
        "Local news crews filmed the march from a helicopter above the freeway.",
    ],
    "es": [
        "Más de dos mil estudiantes salieron de sus clases a las diez de la mañana del viernes.",
        "Marcharon desde la escuela Roosevelt hasta el ayuntamiento con carteles pintados a mano.",
        "Los organizadores dijeron que la protesta se preparó en tres días por mensajes de teléfono.",
        "El distrito recordó a las familias que los alumnos que abandonen la clase pueden recibir una falta.",
        "Varios maestros se quedaron en la puerta de la escuela y vieron pasar la marcha.",
        "Una estudiante de tercer año dijo que sus padres tenían miedo de mandarla a la escuela.",
        "La policía cerró dos cuadras de la calle Primera mientras pasaban los jóvenes.",
        "La junta escolar hablará de una resolución de santuario en su reunión del próximo martes.",
        "Los padres llevaron agua y comida a los estudiantes que esperaban frente al edificio federal.",
        "El director aseguró que ningún alumno sería suspendido por participar en una protesta pacífica.",
        "Al mediodía la multitud había crecido a casi cinco mil personas.",
        "Los líderes estudiantiles pidieron a todos volver a clase antes del final del día.",
        "Fue la salida más grande de la ciudad desde las protestas de 2006.",
        "¿Quién decide el futuro de nuestros hijos?, preguntó una madre ante el micrófono.",
        "Muchos de los carteles estaban escritos en inglés y en español.",
        "Algunos alumnos de secundarias cercanas se unieron a la marcha por el camino.",
        "La concentración terminó con un minuto de silencio por las familias separadas.",
        "Voluntarios de una organización de ayuda legal repartieron tarjetas sobre los derechos de los estudiantes.",
        "¡Sí se puede!, gritaban los jóvenes al llegar a la plaza.",
        "Las cámaras de la televisión local grabaron la marcha desde un helicóptero.",
    ],
}

SIGN_CATEGORIES = ["signs_upright", "signs_tilted", "signs_rotated", "small_text"]
PAGE_CATEGORIES = ["pages_clean_en", "pages_clean_es", "pages_noisy_en", "pages_noisy_es"]
CATEGORIES = SIGN_CATEGORIES + PAGE_CATEGORIES
TITLES = {
    "signs_upright": "signs upright",
    "signs_tilted": "signs tilted 1-15°",
    "signs_rotated": "signs rotated 90/180/270°",
    "small_text": "small text",
    "pages_clean_en": "pages clean en",
    "pages_clean_es": "pages clean es",
    "pages_noisy_en": "pages noisy en",
    "pages_noisy_es": "pages noisy es",
}

SIGN_FONTS = ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono-Bold.ttf"]
PAGE_FONTS = [
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
]
# (board, ink): poster board, cardboard, yellow, red on white, blue on white, white on red …
BOARDS = [
    ((245, 245, 238), (20, 20, 20)),
    ((201, 166, 107), (25, 20, 15)),
    ((242, 212, 58), (15, 15, 15)),
    ((250, 250, 250), (190, 20, 28)),
    ((248, 248, 245), (27, 63, 156)),
    ((181, 18, 27), (250, 250, 250)),
    ((25, 25, 25), (250, 250, 250)),
    ((205, 235, 200), (20, 90, 30)),
    ((250, 200, 215), (30, 30, 30)),
    ((245, 150, 40), (20, 20, 20)),
    ((30, 60, 150), (255, 255, 255)),
]
# (fill, outline) of lettering painted straight onto a banner in the photo.
BANNER_INKS = [((255, 255, 255), (10, 10, 10)), ((255, 225, 40), (10, 10, 10)), ((15, 15, 15), (250, 250, 250))]


# ---------------------------------------------------------------------------------------------
# Building the set (Pillow)
# ---------------------------------------------------------------------------------------------


def noise(rng, size, amp):
    """An 'L' image of noise centred on 128, ±amp, triangular (the mean of two uniform draws)."""
    from PIL import Image, ImageChops

    w, h = size
    a = Image.frombytes("L", size, rng.randbytes(w * h))
    b = Image.frombytes("L", size, rng.randbytes(w * h))
    mixed = ImageChops.add(a, b, scale=2.0)
    return mixed.point(lambda v: max(0, min(255, round(128 + (v - 128) * amp / 128))))


def add_noise(rng, img, amp, colour=True):
    from PIL import Image, ImageChops

    if img.mode == "L":
        return ImageChops.add(img, noise(rng, img.size, amp), 1.0, -128)
    bands = [noise(rng, img.size, amp) for _ in range(3)] if colour else [noise(rng, img.size, amp)] * 3
    return ImageChops.add(img, Image.merge("RGB", bands), 1.0, -128)


def light(rng, img, low, high=1.0):
    """Uneven light: multiplies by a linear gradient from `low` to `high` in a random direction."""
    from PIL import Image, ImageChops

    grad = Image.linear_gradient("L")
    if rng.random() < 0.5:
        grad = grad.transpose(Image.Transpose.ROTATE_90)
    if rng.random() < 0.5:
        grad = grad.transpose(Image.Transpose.FLIP_TOP_BOTTOM if rng.random() < 0.5 else Image.Transpose.FLIP_LEFT_RIGHT)
    lo, hi = round(255 * low), round(255 * high)
    grad = grad.resize(img.size, Image.Resampling.BILINEAR).point(lambda v: lo + (hi - lo) * v // 255)
    if img.mode == "L":
        return ImageChops.multiply(img, grad)
    return ImageChops.multiply(img, Image.merge("RGB", [grad] * 3))


def load_photo(path, long_side):
    """The photo upright (EXIF orientation applied), RGB, scaled so its long side is `long_side`."""
    from PIL import Image, ImageOps

    im = Image.open(path)
    if im.format == "JPEG":
        im.draft("RGB", (long_side, long_side))
    im = ImageOps.exif_transpose(im.convert("RGB"))
    scale = long_side / max(im.size)
    size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
    return im.resize(size, Image.Resampling.LANCZOS)


def wrap(words, font, max_width):
    lines, cur = [], []
    for w in words:
        if cur and font.getlength(" ".join(cur + [w])) > max_width:
            lines.append(" ".join(cur))
            cur = [w]
        else:
            cur.append(w)
    if cur:
        lines.append(" ".join(cur))
    return lines


def sign_layer(rng, text, size, canvas_size, style):
    """The sign as an RGBA layer (board or banner lettering), and the lines as laid out."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font_file = FONTS / rng.choice(SIGN_FONTS)
    chars_per_line = rng.uniform(7, 16)
    cw, ch = canvas_size
    while True:
        font = ImageFont.truetype(str(font_file), size)
        lines = wrap(text.split(), font, max(font.getlength("M") * chars_per_line, font.getlength(max(text.split(), key=len))))
        asc, desc = font.getmetrics()
        line_h = round((asc + desc) * 1.1)
        pad = round(size * rng.uniform(0.35, 0.7))
        text_w = max(font.getlength(line) for line in lines)
        bw, bh = round(text_w + 2 * pad), round(line_h * len(lines) + 2 * pad)
        if (bw <= 0.9 * cw and bh <= 0.7 * ch) or size <= 8:
            break
        size = round(size * 0.9)
    if style == "banner":
        layer = Image.new("RGBA", (bw, bh), (0, 0, 0, 0))
        fill, outline = rng.choice(BANNER_INKS)
        stroke = max(1, size // 14)
    else:
        board, fill = rng.choice(BOARDS)
        stick = style == "board" and rng.random() < 0.4
        stick_h = round(bh * 0.8) if stick else 0
        layer = Image.new("RGBA", (bw + 16, bh + 16 + stick_h), (0, 0, 0, 0))
        if stick:
            sw = max(6, size // 3)
            ImageDraw.Draw(layer).rectangle([bw // 2 + 8 - sw // 2, bh, bw // 2 + 8 + sw // 2, bh + 16 + stick_h - 1], fill=(120, 85, 50, 255))
        # A soft shadow under the board, then the board with a little texture and a darker edge.
        shadow = Image.new("L", layer.size, 0)
        ImageDraw.Draw(shadow).rectangle([10, 12, bw + 9, bh + 11], fill=110)
        shadow = shadow.filter(ImageFilter.GaussianBlur(4))
        layer.paste(Image.new("RGBA", layer.size, (0, 0, 0, 255)), (0, 0), shadow)
        face = add_noise(rng, Image.new("RGB", (bw, bh), board), rng.uniform(3, 8))
        edge = tuple(max(0, c - 40) for c in board)
        ImageDraw.Draw(face).rectangle([0, 0, bw - 1, bh - 1], outline=edge, width=max(1, size // 20))
        layer.paste(face, (4, 4))
        stroke, outline = 0, None
    draw = ImageDraw.Draw(layer)
    off = 0 if style == "banner" else 4
    for i, line in enumerate(lines):
        lw = font.getlength(line)
        x = off + (bw - lw) / 2 + rng.uniform(-0.1, 0.1) * pad
        y = off + pad + i * line_h
        draw.text((x, y), line, font=font, fill=fill + (255,), stroke_width=stroke, stroke_fill=outline and outline + (255,))
    return layer, lines


def render_sign(rng, photo, text, category, index):
    from PIL import Image, ImageFilter

    canvas = photo.convert("RGBA")
    cw, ch = canvas.size
    if category == "small_text":
        size, style = rng.randint(13, 22), "board"
    else:
        size = rng.randint(34, 84)
        style = "banner" if rng.random() < 0.15 else "board"
    if rng.random() < 0.6:
        text = text.upper()
    layer, lines = sign_layer(rng, text, size, (cw, ch), style)
    angle = 0.0
    if category == "signs_tilted":
        angle = rng.uniform(1, 15) * rng.choice([-1, 1])
    elif category != "small_text":
        angle = rng.uniform(-0.8, 0.8)
    if angle:
        layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    lw, lh = layer.size
    x = rng.randint(0, max(0, cw - lw))
    y = rng.randint(0, max(0, ch - lh))
    canvas.alpha_composite(layer, (x, y))
    img = canvas.convert("RGB")
    img = light(rng, img, rng.uniform(0.7, 0.95))
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    img = add_noise(rng, img, rng.uniform(3, 9))
    rotation = 0
    if category == "signs_rotated":
        rotation = [90, 180, 270][index % 3]
        # Turned clockwise by `rotation` degrees (Pillow's transposes turn counter-clockwise).
        img = img.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}[rotation])
    meta = {"font_px": size, "style": style, "angle": round(angle, 2), "rotation_cw": rotation, "lines": len(lines)}
    return img, "\n".join(lines), meta


def render_page(rng, lang, noisy):
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    width, height = 1240, 1754  # A4 at 150 dpi
    body_file, head_file = rng.choice(PAGE_FONTS)
    body = ImageFont.truetype(str(FONTS / body_file), rng.randint(22, 28))
    head = ImageFont.truetype(str(FONTS / head_file), rng.randint(36, 46))
    margin = rng.randint(110, 150)
    headline = rng.choice(HEADLINES[lang])
    sentences = rng.sample(SENTENCES[lang], rng.randint(4, 7))
    cut = rng.randint(2, len(sentences) - 1)
    paragraphs = [" ".join(sentences[:cut]), " ".join(sentences[cut:])]
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = margin
    for font, text, gap in [(head, headline, 1.2)] + [(body, p, 0.7) for p in paragraphs]:
        asc, desc = font.getmetrics()
        line_h = round((asc + desc) * rng.uniform(1.25, 1.45))
        for line in wrap(text.split(), font, width - 2 * margin):
            draw.text((margin, y), line, font=font, fill=rng.randint(0, 25))
            y += line_h
        y += round(line_h * gap)
    truth = "\n\n".join([headline] + paragraphs)
    meta = {"font": body_file, "font_px": body.size}
    if not noisy:
        return page, truth, meta
    paper, ink = rng.randint(212, 238), rng.randint(25, 70)
    page = page.point(lambda v: ink + (paper - ink) * v // 255)
    page = light(rng, page, rng.uniform(0.78, 0.92))
    specks = ImageDraw.Draw(page)
    for _ in range(rng.randint(250, 700)):
        sx, sy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(0.5, 2.0)
        specks.ellipse([sx - r, sy - r, sx + r, sy + r], fill=rng.randint(30, 110))
    skew = rng.uniform(0.4, 2.5) * rng.choice([-1, 1])
    page = page.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=rng.randint(40, 90))
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.0)))
    page = add_noise(rng, page, rng.uniform(12, 24))
    scale = rng.uniform(0.75, 1.0)
    page = page.resize((round(width * scale), round(height * scale)), Image.Resampling.BILINEAR)
    meta.update({"skew": round(skew, 2), "scale": round(scale, 3)})
    return page, truth, meta


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build(out, photos_dir, signs_per_category, pages_per_category, seed):
    ensure_pillow()
    out = Path(out)
    images_dir = out / "images"
    if images_dir.exists():
        shutil.rmtree(images_dir)
    images_dir.mkdir(parents=True)
    used, backgrounds = [], {}
    for rel, license_, source in PHOTOS:
        path = Path(photos_dir) / rel
        if not path.is_file():
            print(f"warning: {path} is missing; building without it", file=sys.stderr)
            continue
        used.append({"path": rel, "license": license_, "source": source, "sha256": sha256(path), "uses": 0})
        backgrounds[rel] = load_photo(path, 1280)
    if not used:
        sys.exit(f"no usable photo under {photos_dir}")
    records = []
    for category in CATEGORIES:
        count = signs_per_category if category in SIGN_CATEGORIES else pages_per_category
        (images_dir / category).mkdir()
        for i in range(count):
            rng = random.Random(f"{seed}:{category}:{i}")
            entry = {"category": category}
            if category in SIGN_CATEGORIES:
                photo = used[rng.randrange(len(used))]
                photo["uses"] += 1
                text = SIGNS[rng.randrange(len(SIGNS))]
                img, truth, meta = render_sign(rng, backgrounds[photo["path"]], text, category, i)
                rel = f"{category}/{i + 1:03d}.jpg"
                img.save(images_dir / rel, "JPEG", quality=rng.randint(72, 92))
                entry.update(photo=photo["path"], lang="es" if text in SIGNS[22:] else "en")
            else:
                lang = category[-2:]
                img, truth, meta = render_page(rng, lang, "noisy" in category)
                if "noisy" in category:
                    rel = f"{category}/{i + 1:03d}.jpg"
                    img.save(images_dir / rel, "JPEG", quality=rng.randint(35, 60))
                else:
                    rel = f"{category}/{i + 1:03d}.png"
                    img.save(images_dir / rel, "PNG", optimize=True)
                entry["lang"] = lang
            entry.update(file=rel, width=img.width, height=img.height, text=truth, **meta)
            records.append(entry)
        print(f"built {count} {category}", file=sys.stderr)
    truth = {
        "generator": "scripts/ocr_quality.py",
        "seed": seed,
        "pillow": __import__("PIL").__version__,
        "photos_dir": str(photos_dir),
        "photos_used": used,
        "images": records,
    }
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n")
    credits = ["# Photos under the signs", "", "Backgrounds of the sign images (../shared/corpora/photos):", ""]
    credits += [f"- `{p['path']}` ({p['uses']} images): {p['license']}, {p['source']}" for p in used]
    (out / "CREDITS.md").write_text("\n".join(credits) + "\n")
    print(f"wrote {len(records)} images and truth.json to {out}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Scoring (stdlib only)
# ---------------------------------------------------------------------------------------------

PLAIN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-", "‐": "-"})
WORD = re.compile(r"[^\W_]+")


def strict(text):
    return " ".join(unicodedata.normalize("NFKC", text or "").translate(PLAIN).split())


def folded_words(text):
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return WORD.findall(text.casefold())


def levenshtein(a, b):
    """Edit distance between two sequences (strings or lists of words)."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def search_words(text):
    """The distinct words a person would search for: folded, two letters or more."""
    return sorted({w for w in folded_words(text) if len(w) >= 2})


def score(truth, output):
    t, o = strict(truth), strict(output)
    tw, ow = t.split(), o.split()
    tf, of = collections.Counter(folded_words(truth)), collections.Counter(folded_words(output))
    return {
        "chars": len(t),
        "char_edits": levenshtein(t, o),
        "words": len(tw),
        "word_edits": levenshtein(tw, ow),
        "folded_words": sum(tf.values()),
        "folded_found": sum((tf & of).values()),
    }


def summarise(rows, category):
    """Micro averages over one category's images (rows: dicts from score(), plus search counts)."""
    total = lambda key: sum(r.get(key) or 0 for r in rows)  # noqa: E731
    ratio = lambda a, b: total(a) / total(b) if total(b) else None  # noqa: E731
    out = {
        "images": len(rows),
        "cer": ratio("char_edits", "chars"),
        "wer": ratio("word_edits", "words"),
        "word_recall": ratio("folded_found", "folded_words"),
        "search_recall": ratio("search_found", "search_words") if category in SIGN_CATEGORIES else None,
        "search_found": total("search_found") if category in SIGN_CATEGORIES else None,
        "search_words": total("search_words") if category in SIGN_CATEGORIES else None,
        "cpu_seconds": total("cpu") if all("cpu" in r for r in rows) else None,
        "wall_seconds": total("wall") if all("wall" in r for r in rows) else None,
    }
    cpu = out["cpu_seconds"]
    out["images_per_cpu_second"] = len(rows) / cpu if cpu else None
    return out


# ---------------------------------------------------------------------------------------------
# The tools
# ---------------------------------------------------------------------------------------------


def timed(cmd, **kwargs):
    """Runs one process to its end: (CompletedProcess, wall seconds, CPU seconds of that process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, wall, cpu


def run_tesseract(set_dir, images, lang):
    """`tesseract IMG stdout [-l LANG]`, one process at a time, one thread each."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    rows = []
    for n, image in enumerate(images, 1):
        cmd = ["tesseract", str(set_dir / "images" / image["file"]), "stdout"] + (["-l", lang] if lang else [])
        proc, wall, cpu = timed(cmd, env=env, timeout=600)
        if proc.returncode != 0:
            print(f"warning: {' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-200:]}", file=sys.stderr)
        rows.append({"file": image["file"], "text": proc.stdout, "wall": wall, "cpu": cpu})
        if n % 20 == 0 or n == len(images):
            print(f"  tesseract {lang or 'default'}: {n}/{len(images)}", file=sys.stderr)
    return rows


def grep_search(images, rows):
    """What a whole-word, case- and accent-insensitive grep over the saved outputs finds."""
    for image, row in zip(images, rows):
        if image["category"] not in SIGN_CATEGORIES:
            continue
        wanted, got = search_words(image["text"]), set(folded_words(row["text"]))
        row["search_words"] = len(wanted)
        row["search_found"] = sum(w in got for w in wanted)


def find_walkout(arg):
    if arg and arg != "auto":
        return Path(arg)
    for profile in ["release", "debug"]:
        candidate = TARGET / profile / "walkout"
        if candidate.is_file():
            return candidate
    sys.exit(f"no walkout binary under {TARGET}/release or {TARGET}/debug: build it or pass --walkout PATH")


def run_walkout(binary, set_dir, images):
    """Walkout through its CLI: init, import, ocr --all, show each item, search each sign word."""
    archive = WORK / f"archive-{os.getpid()}"
    if archive.exists():
        shutil.rmtree(archive)
    archive.parent.mkdir(parents=True, exist_ok=True)

    def walkout(*args, ok=(0,)):
        cmd = [str(binary), "--archive", str(archive), *args]
        proc, wall, cpu = timed(cmd, timeout=24 * 3600)
        if proc.returncode not in ok:
            sys.exit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
        return proc, wall, cpu

    walkout("init")
    images_dir = (set_dir / "images").resolve()
    everything = len(images) == len(json.loads((set_dir / "truth.json").read_text())["images"])
    sources = [str(images_dir)] if everything else [str(images_dir / i["file"]) for i in images]
    proc, _, _ = walkout("import", *sources, "--json", ok=(0, 2))
    report = json.loads(proc.stdout)
    ids = {}
    for entry in report.get("added", []) + report.get("duplicates", []):
        path = Path(entry["path"])
        path = path if path.is_absolute() else Path.cwd() / path
        try:
            rel = path.resolve().relative_to(images_dir).as_posix()
        except ValueError:
            rel = next((i["file"] for i in images if entry["path"].endswith(i["file"])), None)
        if rel:
            ids[rel] = entry["id"]
    for failed in report.get("failed", []):
        print(f"warning: import refused {failed['path']}: {failed['error']}", file=sys.stderr)
    missing = [i["file"] for i in images if i["file"] not in ids]
    if missing:
        print(f"warning: {len(missing)} images have no item (scored as empty): {missing[:5]}", file=sys.stderr)

    proc, wall, cpu = walkout("ocr", "--all", "--json", ok=(0, 2))
    ocr = json.loads(proc.stdout)
    if ocr.get("skipped"):
        # Something (a background run after import?) did part of the work: time a full run.
        print(f"note: ocr --all skipped {ocr['skipped']}; timing ocr --all --force instead", file=sys.stderr)
        proc, wall, cpu = walkout("ocr", "--all", "--force", "--json", ok=(0, 2))
        ocr = json.loads(proc.stdout)
    for failed in ocr.get("failed", []):
        print(f"warning: ocr failed on {failed.get('id')}: {failed.get('error')}", file=sys.stderr)
    print(f"  walkout ocr: {ocr.get('recognised')} recognised in {ocr.get('seconds')} s", file=sys.stderr)

    rows, field_missing = [], 0
    for image in images:
        text = ""
        if image["file"] in ids:
            item = json.loads(walkout("show", ids[image["file"]], "--json")[0].stdout)
            value = item.get("ocr_text")
            if isinstance(value, dict):
                value = value.get("text")
            if value is None:
                field_missing += 1
            text = value or ""
        rows.append({"file": image["file"], "text": text, "id": ids.get(image["file"])})
    if field_missing and field_missing == len(ids):
        # The field is left out when there is no text; none at all suggests a changed contract.
        print("warning: no item has an ocr_text field in `show --json`", file=sys.stderr)

    # Search recall: one search per distinct word of the sign images.
    by_word = collections.defaultdict(list)
    for image, row in zip(images, rows):
        if image["category"] in SIGN_CATEGORIES:
            row["search_words"], row["search_found"] = 0, 0
            spelled = {w: w for w in search_words(image["text"])}
            for original in WORD.findall(image["text"].lower()):  # the word as written, accents kept
                key = folded_words(original)
                if len(key) == 1 and key[0] in spelled:
                    spelled[key[0]] = original
            for key, original in spelled.items():
                row["search_words"] += 1
                by_word[original].append(row)
    for word, wanted in sorted(by_word.items()):
        found = json.loads(walkout("search", word, "--json", "--limit", "1000")[0].stdout)
        hit_ids = {h["id"] for h in found.get("hits", [])}
        for row in wanted:
            row["search_found"] += row["id"] in hit_ids
    throughput = {
        "images": ocr.get("recognised"),
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "reported_seconds": ocr.get("seconds"),
        "failed": len(ocr.get("failed", [])),
    }
    shutil.rmtree(archive, ignore_errors=True)
    return rows, throughput


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def pct(v):
    return "—" if v is None else f"{100 * v:.1f}%"


def per_core(v):
    return "—" if v is None else f"{v:.2f}"


def measure(set_dir, args):
    truth = json.loads((set_dir / "truth.json").read_text())
    images = truth["images"]
    if args.limit:
        seen = collections.Counter()
        images = [i for i in images if (seen.update([i["category"]]) or seen[i["category"]] <= args.limit)]
    tools = []
    if args.baseline:
        for name, lang in [("tesseract (default: eng)", None), ("tesseract -l eng+spa", "eng+spa")]:
            rows = run_tesseract(set_dir, images, lang)
            grep_search(images, rows)
            cpu, wall = sum(r["cpu"] for r in rows), sum(r["wall"] for r in rows)
            tools.append((name, rows, {"images": len(rows), "cpu_seconds": cpu, "wall_seconds": wall}))
    if args.walkout:
        binary = find_walkout(args.walkout)
        rows, throughput = run_walkout(binary, set_dir, images)
        tools.append((f"walkout ocr ({binary.relative_to(ROOT) if binary.is_relative_to(ROOT) else binary})", rows, throughput))

    results = {"set": str(set_dir), "seed": truth.get("seed"), "photos_used": truth.get("photos_used"), "tools": {}}
    for name, rows, throughput in tools:
        for image, row in zip(images, rows):
            row.update(score(image["text"], row["text"]), category=image["category"])
        cats = {c: summarise([r for r in rows if r["category"] == c], c) for c in CATEGORIES if any(r["category"] == c for r in rows)}
        if throughput.get("cpu_seconds"):
            throughput["images_per_cpu_second"] = (throughput["images"] or 0) / throughput["cpu_seconds"]
        if throughput.get("wall_seconds"):
            throughput["images_per_second"] = (throughput["images"] or 0) / throughput["wall_seconds"]
        results["tools"][name] = {"categories": cats, "throughput": throughput, "images": rows}

    for category in CATEGORIES:
        present = [(n, t["categories"][category]) for n, t in results["tools"].items() if category in t["categories"]]
        if not present:
            continue
        print(f"\n### {TITLES[category]} ({present[0][1]['images']} images)\n")
        print("| tool | CER | WER | word recall | search recall | images/s per core |")
        print("|---|---|---|---|---|---|")
        for name, c in present:
            search = pct(c["search_recall"])
            if c["search_words"]:
                search += f" ({c['search_found']}/{c['search_words']})"
            print(f"| {name} | {pct(c['cer'])} | {pct(c['wer'])} | {pct(c['word_recall'])} | {search} | {per_core(c['images_per_cpu_second'])} |")
    print("\n### throughput (all images, one process at a time)\n")
    print("| tool | images | CPU s | wall s | images per CPU-second (per core) | images per wall second |")
    print("|---|---|---|---|---|---|")
    for name, t in results["tools"].items():
        th = t["throughput"]
        print(
            f"| {name} | {th['images']} | {th['cpu_seconds']:.1f} | {th['wall_seconds']:.1f} | "
            f"{per_core(th.get('images_per_cpu_second'))} | {per_core(th.get('images_per_second'))} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
        print(f"\nwrote {args.json}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", metavar="DIR", help="build the test set into DIR (images/, truth.json, CREDITS.md)")
    parser.add_argument("--photos", default=str(DEFAULT_PHOTOS), help="the shared photo corpus")
    parser.add_argument("--signs", type=int, default=40, help="images per sign category (default 40)")
    parser.add_argument("--pages", type=int, default=8, help="images per page category (default 8)")
    parser.add_argument("--seed", default="walkout-ocr-16")
    parser.add_argument("--set", metavar="DIR", help="measure the set in DIR (default: the --build DIR)")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True, help="run plain tesseract")
    parser.add_argument("--walkout", nargs="?", const="auto", metavar="PATH", help="also measure walkout (default binary: target/release, else target/debug)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N images of each category")
    parser.add_argument("--json", metavar="OUT", help="write the results (and every image's text) as JSON")
    args = parser.parse_args()

    if args.build:
        build(args.build, Path(args.photos), args.signs, args.pages, args.seed)
    measuring = args.set or args.walkout or args.json or not args.build
    if not measuring:
        return
    set_dir = Path(args.set or args.build or WORK / "set")
    if not (set_dir / "truth.json").is_file():
        if args.set:
            sys.exit(f"{set_dir}/truth.json is missing: build the set with --build {set_dir}")
        build(set_dir, Path(args.photos), args.signs, args.pages, args.seed)
    if args.baseline and not shutil.which("tesseract"):
        sys.exit("tesseract is missing: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa")
    measure(set_dir, args)


if __name__ == "__main__":
    main()
