"""How dates, times and durations read, in one place (issue 17): Bangkok time, the reader's language,
and in Thai the Buddhist-era year (2026 is 2569), as Thai readers write it.

    datetime  th "7 ธ.ค. 2569 19:12"   en "7 Dec 2026 19:12"    ko "2026년 12월 7일 19:12"
    long      th "7 ธันวาคม 2569 19:12" en "7 December 2026 19:12" (letters and reports)
    date      th "7 ธ.ค. 2569"         en "7 Dec 2026"          ko "2026년 12월 7일"
    short     th "7 ธ.ค. 19:12"        en "7 Dec 19:12"         ko "12월 7일 19:12"
    day       th "7 ธ.ค."              en "7 Dec"               ko "12월 7일"
    month     th "ธันวาคม 2569"        en "December 2026"       ko "2026년 12월"
    weekday   th "จ. 7 ธ.ค. 2569"      en "Mon 7 Dec 2026"      ko "2026년 12월 7일 (월)"
    time      "19:12"; seconds adds ":05" to datetime.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543
MISSING = "—"

# Django's format characters, with "Y" standing for the reader's year (Buddhist era in Thai).
_FORMATS = {
    "th": {
        "datetime": "j M Y H:i",
        "seconds": "j M Y H:i:s",
        "long": "j F Y H:i",
        "date": "j M Y",
        "short": "j M H:i",
        "day": "j M",
        "month": "F Y",
        "weekday": "D j M Y",
        "time": "H:i",
    },
    "en": {
        "datetime": "j M Y H:i",
        "seconds": "j M Y H:i:s",
        "long": "j F Y H:i",
        "date": "j M Y",
        "short": "j M H:i",
        "day": "j M",
        "month": "F Y",
        "weekday": "D j M Y",
        "time": "H:i",
    },
    "ko": {
        "datetime": "Y년 n월 j일 H:i",
        "seconds": "Y년 n월 j일 H:i:s",
        "long": "Y년 n월 j일 H:i",
        "date": "Y년 n월 j일",
        "short": "n월 j일 H:i",
        "day": "n월 j일",
        "month": "Y년 n월",
        "weekday": "Y년 n월 j일 (D)",
        "time": "H:i",
    },
}
STYLES = tuple(_FORMATS["en"])


def _language() -> str:
    language = (get_language() or "th")[:2]
    return language if language in _FORMATS else "en"


def on_screen(value: datetime | date | None, style: str = "datetime") -> str:
    """``value`` in Bangkok time, in the reader's language and calendar; "—" when there is none."""
    if value is None or value == "":
        return MISSING
    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}; one of {', '.join(STYLES)}")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BANGKOK)
    elif style not in ("date", "day", "month", "weekday"):
        style = "date"  # a calendar day has no time to show
    language = _language()
    year = value.year + (BUDDHIST_ERA_OFFSET if language == "th" else 0)
    pattern = _FORMATS[language][style].replace("Y", "\x00")
    return dateformat.format(value, pattern).replace("\x00", str(year))


def duration(delta: timedelta | None) -> str:
    """A span, short: "1 d 3 h", "2 h 5 min", "14 min" (in the reader's language)."""
    if delta is None:
        return MISSING
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)s min") % {"minutes": minutes}
