"""The staff dashboard (issue 8): every staff role opens it and sees only its own panels
(``staff.dashboard.PANELS``), with charts drawn on the server as inline SVG."""

from decimal import Decimal

from django.conf import settings
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from snshelper.backoffice import charts
from snshelper.backoffice import dashboard as board
from snshelper.core import clock, health, money
from snshelper.staff.access import ALL_ROLES, staff_page


def _baht(value: Decimal) -> str:
    return money.on_screen(value)


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def _summary(series, fmt) -> dict:
    """Total, highest day and today, for the chart's <desc> and the numbers beside it."""
    total = sum((point.value for point in series), start=type(series[0].value)(0))
    highest = max(series, key=lambda point: (point.value, point.day))
    return {"total": fmt(total), "highest": highest, "highest_value": fmt(highest.value), "today": series[-1]}


def _desc(summary: dict, fmt) -> str:
    return _("Total %(total)s. Highest on %(day)s: %(highest)s. Today: %(today)s.") % {
        "total": summary["total"],
        "day": summary["highest"].day.strftime("%Y-%m-%d"),
        "highest": summary["highest_value"],
        "today": fmt(summary["today"].value),
    }


def _chart(series, *, kind, chart_id, title, fmt) -> dict:
    summary = _summary(series, fmt)
    draw = charts.bar_chart if kind == "bar" else charts.line_chart
    points = [(point.day, point.value) for point in series]
    svg = draw(points, chart_id=chart_id, title=title, desc=_desc(summary, fmt), fmt=fmt)
    rows = [(point.day, fmt(point.value)) for point in reversed(series)]
    return {"svg": svg, "summary": summary, "rows": rows, "title": title}


def _present(data: dict) -> dict:
    """Panels as the template shows them (charts drawn here, numbers formatted)."""
    shown = dict(data)
    if board.ORDERS in data:
        shown[board.ORDERS] = _chart(
            data[board.ORDERS],
            kind="bar",
            chart_id="chart-orders",
            title=_("Orders per day, last %(days)s days") % {"days": board.DAYS},
            fmt=_count,
        )
    if board.REVENUE in data:
        shown[board.REVENUE] = _chart(
            data[board.REVENUE],
            kind="line",
            chart_id="chart-revenue",
            title=_("Revenue per day (THB), last %(days)s days") % {"days": board.DAYS},
            fmt=_baht,
        )
    return shown


@staff_page(*ALL_ROLES)
def dashboard(request):
    panels = _present(board.dashboard_for(request.user))
    return render(
        request,
        "staff/dashboard.html",
        {
            "panels": panels,
            "links": board.links_for(request.user),
            "now": clock.now(),
            "late_work": _late_work() if board.PROVIDER_ERRORS in panels else [],
            "max_job_age": settings.HEALTH_MAX_JOB_AGE_MINUTES,
        },
    )


def _late_work() -> list[str]:
    """What /healthz calls degraded, in words, for those who follow the providers (issue 16)."""
    labels = {
        "providers-sync": _("Status sync with providers"),
        "providers-forward-due": _("Sending due orders to providers"),
        "worker": _("The job worker"),
    }
    return [labels.get(name, name) for name in health.background_state().overdue]
