"""``Problem`` and ``ProfileError``: what is wrong with a user's file, in English and Chinese.

Kept apart from core.profile (which re-exports both) so that the settings, read before the
window's first paint, do not import the profile format's reader and its checks with them
(docs/benchmarks.md, start-up).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str          # projects[0].capacity_kw, company.years.2024.revenue, format, (file), (root)
    message: str       # short English, naming the rule: must be ≥ 0, got -5
    message_zh: str    # the same for the user: 装机容量（千瓦）不能小于 0，填写的是 -5

    def __str__(self) -> str:
        return f"{self.path}: {self.message}（{self.message_zh}）"


class ProfileError(Exception):
    """A profile file could not be read, or its content breaks the format; ``problems`` says why."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
