"""Is the measures data out of date? Two signs, both computed from the data, never the network:

- the newest measure (the latest to come into force) has already expired on the as-of date, so the
  database cannot hold the measures now in force;
- the data's release date is older than the ``stale_after_days`` setting.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.i18n import N_
from core.measures.store import MeasuresDB

HOW_TO_UPDATE = N_("更新方法：向绿策通发布方或区服务大厅索取最新的措施包（.gmpack 文件，可用 U 盘拷贝），"
                   "在“数据 → 导入措施包…”中导入；无需联网。")


@dataclass(frozen=True)
class Staleness:
    newest_title: str | None         # the newest measure, when it has expired
    newest_expired_on: dt.date | None
    release_date: dt.date
    age_days: int
    too_old: bool                    # older than the setting

    @property
    def stale(self) -> bool:
        return self.newest_expired_on is not None or self.too_old


def newest_measure(db: MeasuresDB):
    """The measure that came into force last (ties: the one in force longest)."""
    measures = db.list_measures()
    if not measures:
        return None
    return max(measures, key=lambda m: (m.valid_from or "", m.valid_to or "9999-12-31"))


def staleness(db: MeasuresDB, on: dt.date, stale_after_days: int) -> Staleness:
    newest = newest_measure(db)
    expired_on = None
    if newest is not None and newest.valid_to and dt.date.fromisoformat(newest.valid_to) < on:
        expired_on = dt.date.fromisoformat(newest.valid_to)
    release = db.release
    age = (on - release.date).days
    return Staleness(newest.title if expired_on else None, expired_on, release.date, age,
                     age > stale_after_days)


def warning_lines(st: Staleness, gettext=lambda s: s) -> list[str]:
    """What to tell the user, in the application's language; empty when the data is current."""
    lines = []
    if st.newest_expired_on is not None:
        text = gettext("数据库中最新的措施“{title}”已于 {date} 失效：数据库里可能没有现行的措施。")
        lines.append(text.format(title=st.newest_title, date=st.newest_expired_on.isoformat()))
    if st.too_old:
        lines.append(gettext("措施数据截至 {date}，已有 {days} 天未更新。").format(
            date=st.release_date.isoformat(), days=st.age_days))
    if lines:
        lines.append(gettext(HOW_TO_UPDATE))
    return lines
