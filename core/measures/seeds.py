"""Seed texts: reading, cleaning converter noise, and the verbatim (fidelity) check.

The seed files are the policy documents as collected. `sz-sepi-plan-2022` was run through a
converter that appended a pinyin reading after many characters (`發(fā)展` for 發展) and mangled a
few spans (`?;飞a(chǎn)`). `clean_converter_noise` removes the readings and replaces each mangled
span by UNREADABLE rather than guessing what it said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.resources import seeds_dir

UNREADABLE = "〔原文亂碼，無法辨認〕"

# Latin letters that occur in pinyin readings (plain and with tone marks).
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# A reading right after a Han character: 發(fā) → 發. Lower-case only, so that
# "(Mini LED)" or "(2022-2025年)" are left alone.
_READING = re.compile(rf"(?<=[{_CJK}])\([{_PINYIN_LETTERS}]+\)")
# Characters that make up the debris of a mangled span once readings are gone.
_DEBRIS = re.compile(rf"[{_PINYIN_LETTERS}A-Za-z\u0400-\u04ff();?]")
_DEBRIS_LETTER = re.compile(rf"[{_PINYIN_LETTERS}A-Za-z\u0400-\u04ff]")


@dataclass(frozen=True)
class CleanResult:
    text: str
    readings_removed: int
    unreadable_spans: tuple[str, ...]


def _mangled_span_end(text: str, start: int) -> int:
    """End of the mangled span that starts at a '?' (see module docstring).

    The span runs over debris characters; a single Han character is taken in too when debris
    follows it (`?;飞a(chǎn)`), because the converter split it from its own reading.
    """
    i = start + 1
    while i < len(text):
        # debris, or a CJK character with debris after it
        if _DEBRIS.match(text[i]) or (re.match(rf"[{_CJK}]", text[i]) and i + 1 < len(text)
                                      and _DEBRIS.match(text[i + 1])):
            i += 1
        else:
            break
    return i


def clean_converter_noise(text: str) -> CleanResult:
    cleaned, readings = _READING.subn("", text)
    spans: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(cleaned):
        end = _mangled_span_end(cleaned, i) if cleaned[i] == "?" else i
        # A real question mark has no letter debris around it: only spans with some are mangled.
        if end > i and _DEBRIS_LETTER.search(cleaned[i:end]):
            spans.append(cleaned[i:end])
            out.append(UNREADABLE)
            i = end
        else:
            out.append(cleaned[i])
            i += 1
    return CleanResult("".join(out), readings, tuple(spans))


_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace removed entirely: the seeds break lines inside words ('1\\n0万元')."""
    return _WHITESPACE.sub("", text)


@cache
def seed_text(seed_file: str, clean: bool = False, root: Path | None = None) -> str:
    path = (root or seeds_dir()) / seed_file
    text = path.read_text(encoding="utf-8")
    return clean_converter_noise(text).text if clean else text


@cache
def normalised_seed(seed_file: str, clean: bool = False, root: Path | None = None) -> str:
    return normalise(seed_text(seed_file, clean, root))


def found_verbatim(excerpt: str, seed_file: str, clean: bool = False,
                   root: Path | None = None) -> bool:
    """True when the excerpt stands in the seed text, whitespace aside."""
    needle = normalise(excerpt)
    return bool(needle) and needle in normalised_seed(seed_file, clean, root)
