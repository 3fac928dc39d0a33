#!/usr/bin/env python3
"""Makes the small OCR test images in tests/data/ocr/ (deterministic; Pillow and the DejaVu fonts
of fonts-dejavu-core, nothing else): sign.png, sign_rotated.png, name_tag.png, blank.png, and
scan.pdf (a scanned clipping: two pages that are only pictures, no text layer; page 1 a JPEG,
page 2 Flate-compressed black-and-white samples, 1 bit each: two ways scanners store pages).

    python3 scripts/make_ocr_fixtures.py [--out DIR] [--check]

--check runs plain `tesseract FILE stdout` on each and prints what it reads. Pillow comes from
the same venv as scripts/ocr_quality.py's (target/ocr-venv, made on first use).
"""

import argparse
import random
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ocr_quality import FONTS, ROOT, ensure_pillow  # noqa: E402

MAX_BYTES = 60 * 1024


def blobs(rng, size, palette, count, blur):
    """A photo-like out-of-focus background: soft coloured blobs over a base colour, a little grain."""
    from PIL import Image, ImageDraw, ImageFilter

    from ocr_quality import add_noise

    img = Image.new("RGB", size, palette[0])
    draw = ImageDraw.Draw(img)
    w, h = size
    for _ in range(count):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.04, 0.18) * w
        draw.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice(palette))
    img = img.filter(ImageFilter.GaussianBlur(blur))
    return add_noise(rng, img, 5)


def small_png(img, path, colours):
    """Saves a palette PNG (a photo-like image compresses badly as RGB) and checks the size."""
    from PIL import Image

    img.quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    size = path.stat().st_size
    if size >= MAX_BYTES:
        sys.exit(f"{path} is {size} bytes, over {MAX_BYTES}")
    return size


def sign(rng):
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    img = blobs(rng, (800, 500), [(70, 95, 60), (120, 140, 90), (160, 120, 100), (60, 70, 110), (190, 170, 140), (40, 45, 40)], 60, 14)
    font = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 60)
    lines = ["EDUCATION NOT", "DEPORTATION"]
    asc, desc = font.getmetrics()
    line_h = round((asc + desc) * 1.15)
    pad = 34
    bw = round(max(font.getlength(line) for line in lines) + 2 * pad)
    bh = line_h * len(lines) + 2 * pad
    x0, y0 = (800 - bw) // 2, 90
    shadow = Image.new("L", img.size, 0)
    ImageDraw.Draw(shadow).rectangle([x0 + 8, y0 + 10, x0 + bw + 8, y0 + bh + 10], fill=120)
    img.paste((0, 0, 0), (0, 0), shadow.filter(ImageFilter.GaussianBlur(5)))
    draw = ImageDraw.Draw(img)
    draw.rectangle([x0 + bw // 2 - 9, y0 + bh, x0 + bw // 2 + 9, 500], fill=(125, 90, 55))  # the stick
    draw.rectangle([x0, y0, x0 + bw, y0 + bh], fill=(238, 232, 214), outline=(190, 180, 160), width=3)
    for i, line in enumerate(lines):
        draw.text((x0 + (bw - font.getlength(line)) / 2, y0 + pad + i * line_h), line, font=font, fill=(28, 24, 22))
    return img.filter(ImageFilter.GaussianBlur(0.6))


def name_tag(rng):
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    img = blobs(rng, (600, 400), [(40, 55, 95), (35, 48, 85), (55, 70, 115), (30, 40, 70)], 40, 10)  # a blue shirt
    draw = ImageDraw.Draw(img)
    x0, y0, x1, y1 = 80, 60, 520, 340
    draw.rounded_rectangle([x0 + 6, y0 + 8, x1 + 6, y1 + 8], 22, fill=(20, 25, 40))
    draw.rounded_rectangle([x0, y0, x1, y1], 22, fill=(200, 25, 35))
    draw.rectangle([x0, y0 + 118, x1, y1 - 30], fill=(250, 250, 248))
    hello = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 56)
    small = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 26)
    name = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 50)
    centre = (x0 + x1) / 2
    draw.text((centre - hello.getlength("HELLO") / 2, y0 + 8), "HELLO", font=hello, fill=(255, 255, 255))
    draw.text((centre - small.getlength("my name is") / 2, y0 + 76), "my name is", font=small, fill=(255, 255, 255))
    draw.text((centre - name.getlength("MARIA LOPEZ") / 2, y0 + 160), "MARIA LOPEZ", font=name, fill=(15, 15, 20))
    return img.filter(ImageFilter.GaussianBlur(0.5))


def blank(rng):
    from PIL import Image

    from ocr_quality import add_noise

    sky = Image.linear_gradient("L").resize((400, 300))
    top, bottom = (110, 160, 215), (225, 215, 190)  # a hazy sky going down to the horizon
    bands = [sky.point(lambda v, a=a, b=b: a + (b - a) * v // 255) for a, b in zip(top, bottom)]
    return add_noise(rng, Image.merge("RGB", bands), 4)


SCAN_PAGES = [
    ("DejaVuSerif.ttf", "Students walked out of Roosevelt High on Friday morning to protest the immigration raids near their homes. The principal said classes would resume on Monday."),
    ("DejaVuSans.ttf", "Los estudiantes marcharon hasta el ayuntamiento para pedir que la policía no colabore con las redadas. La caminata terminó sin incidentes."),
]


def scan_page(rng, font_file, text):
    """A scanned clipping: dark serif text on off-white paper, a little grain, slightly soft."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    from ocr_quality import add_noise

    width, height, margin = 1000, 560, 70
    font = ImageFont.truetype(str(FONTS / font_file), 30)
    page = Image.new("L", (width, height), 236)
    draw = ImageDraw.Draw(page)
    lines, line = [], []
    for word in text.split():
        if line and draw.textlength(" ".join(line + [word]), font=font) > width - 2 * margin:
            lines.append(" ".join(line))
            line = []
        line.append(word)
    lines.append(" ".join(line))
    y = margin
    for text_line in lines:
        draw.text((margin, y), text_line, font=font, fill=30)
        y += 46
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    return add_noise(rng, page.convert("RGB"), 6).convert("L")


def write_scan_pdf(path, pages):
    """A PDF of picture-only pages, written by hand (no text operators): each page draws one
    image XObject over the whole page. `pages` holds (PIL image, "jpeg" or "flate")."""
    import io
    import zlib

    objects = []  # bodies, numbered from 1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    tree = add(None)
    kids = []
    for img, how in pages:
        if how == "jpeg":
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=55)
            data, filt, bits = buf.getvalue(), b"/DCTDecode", 8
        else:
            # Pillow packs a 1-bit row MSB first with 1 for white, as PDF's DeviceGray does.
            data, filt, bits = zlib.compress(img.point(lambda v: 255 if v > 140 else 0).convert("1").tobytes(), 9), b"/FlateDecode", 1
        head = b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent %d /Filter %s /Length %d >>" % (img.width, img.height, bits, filt, len(data))
        image = add(head + b"\nstream\n" + data + b"\nendstream")
        w, h = img.width * 72 // 150, img.height * 72 // 150  # scanned at 150 dpi
        draw = b"q %d 0 0 %d 0 0 cm /Im0 Do Q" % (w, h)
        content = add(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>" % (tree, w, h, image, content)))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info = add(b"<< /Producer (make_ocr_fixtures.py) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, info, xref)
    Path(path).write_bytes(bytes(out))
    return len(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "tests" / "data" / "ocr"))
    parser.add_argument("--check", action="store_true", help="print what plain `tesseract FILE stdout` reads")
    args = parser.parse_args()
    ensure_pillow()
    from PIL import Image

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    sign_img = sign(random.Random("sign"))
    made = {
        "sign.png": (sign_img, 24),
        # Turned 90 degrees counter-clockwise (the text runs bottom to top). Not clockwise: plain
        # tesseract 5.3 reads a clockwise-turned sign right through its vertical-text detection,
        # so that image would not show whether the engine turns what needs turning.
        "sign_rotated.png": (sign_img.transpose(Image.Transpose.ROTATE_90), 24),
        "name_tag.png": (name_tag(random.Random("name_tag")), 32),
        "blank.png": (blank(random.Random("blank")), 48),
    }
    for name, (img, colours) in made.items():
        size = small_png(img, out / name, colours)
        print(f"{name}: {img.width}x{img.height}, {size} bytes")
    rng = random.Random("scan")
    scans = [(scan_page(rng, font, text), how) for (font, text), how in zip(SCAN_PAGES, ["jpeg", "bilevel"])]
    size = write_scan_pdf(out / "scan.pdf", scans)
    if size >= 3 * MAX_BYTES:
        sys.exit(f"scan.pdf is {size} bytes, over {3 * MAX_BYTES}")
    print(f"scan.pdf: {len(scans)} pages, {size} bytes")
    if args.check:
        if not shutil.which("tesseract"):
            sys.exit("tesseract is missing: apt-get install tesseract-ocr")
        for name in made:
            text = subprocess.run(["tesseract", str(out / name), "stdout"], capture_output=True, text=True).stdout
            print(f"tesseract {name} stdout: {' / '.join(text.split(chr(10))).strip(' /')!r}")


if __name__ == "__main__":
    main()
