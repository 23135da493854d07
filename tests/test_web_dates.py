"""Dates read one way (issue 17): Bangkok time, the reader's language, the Buddhist-era year in Thai."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from snshelper.core import dates

MOMENT = datetime(2026, 12, 7, 12, 12, 5, tzinfo=UTC)  # 19:12 in Bangkok


@pytest.mark.parametrize(
    ("language", "style", "shown"),
    [
        ("th", "datetime", "7 ธ.ค. 2569 19:12"),
        ("en", "datetime", "7 Dec 2026 19:12"),
        ("ko", "datetime", "2026년 12월 7일 19:12"),
        ("th", "date", "7 ธ.ค. 2569"),
        ("ko", "date", "2026년 12월 7일"),
        ("th", "month", "ธันวาคม 2569"),
        ("en", "short", "7 Dec 19:12"),
        ("th", "time", "19:12"),
        ("en", "seconds", "7 Dec 2026 19:12:05"),
        ("th", "long", "7 ธันวาคม 2569 19:12"),
    ],
)
def test_a_moment_reads_in_bangkok_time_and_the_readers_calendar(language, style, shown):
    with translation.override(language):
        assert dates.on_screen(MOMENT, style) == shown


def test_the_year_turns_at_bangkok_midnight():
    with translation.override("th"):
        assert dates.on_screen(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == "1 ม.ค. 2570 00:30"


def test_a_calendar_day_has_no_time_and_nothing_reads_as_a_dash():
    with translation.override("th"):
        assert dates.on_screen(date(2026, 1, 2)) == "2 ม.ค. 2569"
        assert dates.on_screen(None) == "—"


def test_durations_are_short_and_translated():
    with translation.override("en"):
        assert dates.duration(timedelta(minutes=14)) == "14 min"
        assert dates.duration(timedelta(days=1, hours=3, minutes=2)) == "1 d 3 h"
    with translation.override("th"):
        assert "min" not in dates.duration(timedelta(minutes=14))


def test_the_filters_are_in_every_template_without_a_load():
    template = Template('{{ at|when:"date" }} · {{ amount|money }} · {{ span|duration }}')
    with translation.override("th"):
        text = template.render(Context({"at": MOMENT, "amount": "1500", "span": timedelta(hours=2)}))
    assert text.startswith("7 ธ.ค. 2569 · ฿1,500.00 · ")


def test_no_template_formats_a_date_by_hand():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "snshelper"
    by_hand = [
        f"{path.relative_to(root)}: {line.strip()[:80]}"
        for path in [*root.rglob("templates/**/*.html"), *root.rglob("templates/**/*.txt")]
        for line in path.read_text().splitlines()
        if "|date:" in line and "|date:'c'" not in line and '|date:"c"' not in line
    ]
    assert by_hand == []
