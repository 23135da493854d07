#!/usr/bin/env python3
"""Make the Sarabun files the site serves: the Thai and Latin glyphs our pages can show, no more.

    uv run python scripts/subset_fonts.py           # rewrite the subsets and site.css's ranges
    uv run python scripts/subset_fonts.py --check   # exit 1 when a page's character is missing

Sources: the fontsource files in assets/fonts/sarabun/ (kept whole, never served). Kept:
- Thai: every letter, vowel and tone mark (U+0E01-0E3A, U+0E3F-0E4E), since members and staff
  type Thai we never wrote (service names, announcements, tickets), and any other Thai sign or
  digit our templates and catalogues use;
- Latin: printable ASCII (links, e-mail addresses, numbers) and every other character of the
  Latin ranges that our templates, th/en/ko catalogues and Python sources use (dashes, quotes, ×, …);
- the layout features (Thai mark positioning, kerning), without hinting.
Korean is not in Sarabun: pages in Korean use the system's Korean font (site.css's font stack).

Writes snshelper/web/static/vendor/sarabun/sarabun-{thai,latin}-{400,600}.woff2 and the matching
``unicode-range`` of each @font-face in snshelper/web/static/web/site.css, so a browser fetches a
file only for characters it has. Run it after adding text in a new script or sign; the test
tests/test_pages_perf.py fails when the catalogues or templates use a character the files lack.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "assets" / "fonts" / "sarabun"
OUT = ROOT / "snshelper" / "web" / "static" / "vendor" / "sarabun"
CSS = ROOT / "snshelper" / "web" / "static" / "web" / "site.css"
WEIGHTS = (400, 600)
THAI_BLOCK = range(0x0E00, 0x0E80)
THAI_ALWAYS = [*range(0x0E01, 0x0E3B), *range(0x0E3F, 0x0E4F)]
LATIN_ALWAYS = list(range(0x20, 0x7F)) + [0xA0]  # printable ASCII and the no-break space


def text_sources() -> list[Path]:
    """Templates (pages, e-mails), the three catalogues and Python sources (strings on pages)."""
    package = ROOT / "snshelper"
    files = [p for p in package.rglob("*") if p.suffix in (".html", ".txt", ".py") and p.is_file()]
    return sorted(files) + sorted(package.glob("locale/*/LC_MESSAGES/django.po"))


def used_characters() -> set[str]:
    import polib

    chars: set[str] = set()
    for path in text_sources():
        if path.suffix == ".po":
            for entry in polib.pofile(str(path)):
                chars.update(entry.msgid, entry.msgstr, *entry.msgstr_plural.values())
        else:
            chars.update(path.read_text(encoding="utf-8", errors="ignore"))
    return chars


def is_latin(code: int) -> bool:
    """Sarabun's Latin file's characters: Latin-1, a few letters and modifiers, punctuation, signs."""
    signs = (0x20AC, 0x2122, 0x2191, 0x2193, 0x2212, 0x2215)
    return code < 0x250 or 0x2000 <= code <= 0x206F or code in signs


def wanted() -> dict[str, list[int]]:
    used = {ord(c) for c in used_characters()}
    thai = sorted(set(THAI_ALWAYS) | {c for c in used if c in THAI_BLOCK})
    latin = sorted(set(LATIN_ALWAYS) | {c for c in used if is_latin(c) and c >= 0x20 and c != 0x7F})
    return {"thai": thai, "latin": latin}


def unicode_range(codes: list[int]) -> str:
    """``U+0E01-0E3A, U+0E3F`` … for a sorted list of code points."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in runs)


def source(script: str, weight: int) -> Path:
    return SOURCES / f"sarabun-{script}-{weight}-normal.woff2"


def target(script: str, weight: int) -> Path:
    return OUT / f"sarabun-{script}-{weight}.woff2"


def covered(path: Path) -> set[int]:
    from fontTools.ttLib import TTFont

    return set(TTFont(str(path)).getBestCmap())


def make(script: str, weight: int, codes: list[int]) -> set[int]:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Thai needs its mark positioning; kerning for both
    options.hinting = False
    options.notdef_outline = True
    font = TTFont(str(source(script, weight)))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(str(target(script, weight)))
    return set(font.getBestCmap())


def rewrite_css(ranges: dict[str, str]) -> None:
    css = CSS.read_text()
    for script, value in ranges.items():
        pattern = re.compile(
            r"(src: url\(\"\.\./vendor/sarabun/sarabun-" + script + r"-(?:\d+)(?:-normal)?\.woff2\"\)"
            r" format\(\"woff2\"\);\s*unicode-range: )[^;]*;"
        )
        css, count = pattern.subn(lambda m, value=value: m.group(1) + value + ";", css)
        if count != len(WEIGHTS):
            raise SystemExit(f"site.css: expected {len(WEIGHTS)} Sarabun {script} faces, found {count}")
        css = re.sub(rf"sarabun-{script}-(\d+)-normal\.woff2", rf"sarabun-{script}-\1.woff2", css)
    CSS.write_text(css)


def check() -> int:
    """Every character the pages use in the Thai and Latin ranges is in the served files."""
    missing = []
    for script, codes in wanted().items():
        for weight in WEIGHTS:
            lacking = set(codes) - covered(target(script, weight))
            if lacking:
                missing.append(f"{target(script, weight).name}: {''.join(chr(c) for c in sorted(lacking))!r}")
    if missing:
        print("Run scripts/subset_fonts.py; missing characters:\n" + "\n".join(missing))
        return 1
    print("The font subsets cover every character the pages use.")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only say whether the subsets are complete")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    ranges = {}
    for script, codes in wanted().items():
        kept = set(codes)
        for weight in WEIGHTS:
            have = make(script, weight, codes)
            kept &= have
            made, was = target(script, weight), source(script, weight).stat().st_size
            size = made.stat().st_size
            print(f"{made.relative_to(ROOT)}: {len(have)} characters, {size:,} bytes (was {was:,})")
        ranges[script] = unicode_range(sorted(kept))
    rewrite_css(ranges)
    print(f"{CSS.relative_to(ROOT)}: unicode-range of each face updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
