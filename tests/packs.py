"""Helpers for tests of measure packs: a throw-away publisher key and "next release" data.

The next release is the bundled data copied to a temporary folder and changed the way a real update
would change it, text and data together so that it still passes the validator's verbatim check:

- 罗湖区十条措施 extended to 2027-12-31 (validity span in the seed text and the YAML), so its measures
  come into force again for dates in 2026–2027: verdicts change;
- 第一条's yearly ceiling raised from 200 to 300 万元 (seed and YAML): an amount changes;
- sz-sepi-2024/24 removed: a support disappears;
- sz-sepi-2024/24 re-added under the id sz-sepi-2024/24b: a support appears.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from core.resources import measures_dir, seeds_dir

LH_SEED = "003_8033994ef3a5dea9.txt"
# A company in 罗湖区 whose verdicts the next release changes.
LUOHU_COMPANY = {
    "format": "greenmeasures.profile/1",
    "company": {"name": "罗湖新能源有限公司", "district": "luohu", "entity_type": "enterprise",
                "fields": ["new_energy"],
                "settled_in_district_on": "2025-03-01",
                "years": {"2025": {"revenue": 60000000, "in_statistics": True}}},
    "projects": [],
}


def make_keys():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from core.measures.pack import key_id
    private = Ed25519PrivateKey.generate()
    return private, {key_id(private.public_key()): private.public_key()}


def copy_data(target: Path) -> tuple[Path, Path]:
    sources, seeds = target / "sources", target / "seeds"
    shutil.copytree(measures_dir(), sources)
    shutil.copytree(seeds_dir(), seeds)
    return sources, seeds


def set_release(sources: Path, version: str, date: str) -> None:
    (sources / "release.json").write_text(json.dumps({"version": version, "date": date}), encoding="utf-8")


def _replace(path: Path, old: str, new: str, count: int | None = None) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    if count is not None:
        assert text.count(old) == count, (old, text.count(old))
    path.write_text(text.replace(old, new), encoding="utf-8")


def _measure_block(text: str, measure_id: str) -> str:
    match = re.search(rf"^  - id: {re.escape(measure_id)}\n.*?(?=^  - id: |\Z)", text, re.M | re.S)
    assert match, measure_id
    return match.group(0)


def next_release(target: Path, version: str = "2026.12.1", date: str = "2026-12-01") -> tuple[Path, Path]:
    """The changed data described in the module docstring; returns (sources, seeds) folders."""
    sources, seeds = copy_data(target)
    set_release(sources, version, date)
    lh, seed = sources / "lh-glc-2024.yaml", seeds / LH_SEED
    for path in (lh, seed):
        _replace(path, "有效期至 2025 年 12 月 31 日", "有效期至 2027 年 12 月 31 日")
        _replace(path, "每年最高 200 万元", "每年最高 300 万元")
    _replace(lh, 'valid_to: "2025-12-31"', 'valid_to: "2027-12-31"', count=1)
    _replace(lh, "amount: 2000000\n          span: 每年最高 300 万元",
             "amount: 3000000\n          span: 每年最高 300 万元")
    sepi = sources / "sz-sepi-2024.yaml"
    text = sepi.read_text(encoding="utf-8")
    block = _measure_block(text, "sz-sepi-2024/24")
    text = text.replace(block, block.replace("  - id: sz-sepi-2024/24\n", "  - id: sz-sepi-2024/24b\n"))
    sepi.write_text(text, encoding="utf-8")
    return sources, seeds
