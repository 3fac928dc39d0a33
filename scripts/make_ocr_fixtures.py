#!/usr/bin/env python3
"""Makes the small OCR test images in tests/data/ocr/ (deterministic; Pillow and the DejaVu fonts
of fonts-dejavu-core, nothing else): sign.png, sign_rotated.png, name_tag.png, blank.png.

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
    if args.check:
        if not shutil.which("tesseract"):
            sys.exit("tesseract is missing: apt-get install tesseract-ocr")
        for name in made:
            text = subprocess.run(["tesseract", str(out / name), "stdout"], capture_output=True, text=True).stdout
            print(f"tesseract {name} stdout: {' / '.join(text.split(chr(10))).strip(' /')!r}")


if __name__ == "__main__":
    main()
