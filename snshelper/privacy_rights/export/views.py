"""A member's "view" export (P9): read as a page, or downloaded as JSON, by that member alone,
with their identity just verified, until the link expires."""

from decimal import Decimal, InvalidOperation

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_datetime

from snshelper.core import clock
from snshelper.privacy import registry
from snshelper.privacy.models import DataExport
from snshelper.privacy_rights.export import services as export
from snshelper.privacy_rights.requests.identity import identity_verified_required

ROWS_SHOWN = 100  # of each kind of record on the overview
ROWS_PER_PAGE = 500  # when one kind of record is read page by page


def _own_export(request, token: str):
    """The signed-in member's export, or a page saying why it cannot be read (None when it can)."""
    found = get_object_or_404(
        DataExport.objects.select_related("request"), token=token, request__member=request.user
    )
    if export.is_expired(found) or (found.ready_at is not None and export.file_path(found) is None):
        return found, render(request, "privacy/export_expired.html", {"export": found}, status=410)
    if found.ready_at is None:
        return found, render(request, "privacy/export_pending.html", {"export": found})
    return found, None


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _display(value, meta: dict) -> dict:
    """A value as the page shows it: times in the site's zone, structures as compact text."""
    if value is None or value == "" or value == {} or value == []:
        return {"kind": "none"}
    if meta.get("withheld") and value == export.WITHHELD:
        return {"kind": "withheld"}
    kind = meta.get("type")
    if kind == "datetime":
        return {"kind": "time", "value": parse_datetime(value)}
    if kind == "decimal":
        return {"kind": "text", "value": _money(value)}
    if kind == "boolean":
        return {"kind": "boolean", "value": value}
    if isinstance(value, dict | list):
        return {"kind": "text", "value": export._dumps(value)}
    return {"kind": "text", "value": value}


def _money(text: str) -> str:
    """ "9.00000" → "9.00", "0.09125" as it is: no more zeros than two decimals need."""
    try:
        value = Decimal(text).normalize()
    except InvalidOperation:
        return text
    return f"{value.quantize(Decimal('0.01')) if value.as_tuple().exponent > -2 else value:,}"


def _section_view(section, only: bool):
    fields = []
    for name, meta in section.fields.items():
        declaration = registry.declaration(section.key, name)
        label = declaration.verbose_name if declaration else meta.get("label", name)
        fields.append({"name": name, "label": label, "meta": meta})
    rows = [
        {
            "id": row.get("id"),
            "cells": [{"label": f["label"], **_display(row.get(f["name"]), f["meta"])} for f in fields],
        }
        for row in section.rows
    ]
    label = section.label
    try:
        label = registry.record_name(section.key, plural=True)
    except (IndexError, LookupError):
        pass
    return {
        "key": section.key,
        "anchor": section.key.replace(".", "-").lower(),
        "label": label,
        "fields": fields,
        "rows": rows,
        "count": section.count,
        "first": section.offset + 1 if only else 1,
        "last": section.offset + len(rows) if only else len(rows),
        "more": not only and section.count > len(rows),
    }


@identity_verified_required
def export_page(request, token: str):
    found, refusal = _own_export(request, token)
    if refusal is not None:
        return refusal
    only = request.GET.get("type") or None
    page = _page_number(request)
    if only is not None:
        contents = export.read(
            export.file_path(found), limit=ROWS_PER_PAGE, only=only, offset=(page - 1) * ROWS_PER_PAGE
        )
        sections = [s for s in contents.sections if s.key == only]
        if not sections:
            raise Http404
    else:
        contents = export.read(export.file_path(found), limit=ROWS_SHOWN)
        sections = contents.sections
    shown = [_section_view(section, only is not None) for section in sections]
    context = {
        "export": found,
        "header": contents.header,
        "generated_at": parse_datetime(contents.header.get("generated_at", "")),
        "sections": [section for section in shown if only or section["count"]],
        "empty": [section for section in shown if not only and not section["count"]],
        "only": only,
        "disclosures": [
            {**d, "disclosed_at": parse_datetime(d["disclosed_at"])} for d in contents.disclosures
        ],
        "correction_notices": [
            {
                **n,
                "created_at": parse_datetime(n["created_at"]),
                "sent_at": parse_datetime(n["sent_at"]) if n.get("sent_at") else None,
            }
            for n in contents.correction_notices
        ],
        "rows_shown": ROWS_SHOWN,
        "rows_per_page": ROWS_PER_PAGE,
    }
    if only is not None:
        section = shown[0]
        context["page"] = page
        context["previous_page"] = page - 1 if page > 1 else None
        context["next_page"] = page + 1 if section["last"] < section["count"] else None
    response = render(request, "privacy/export.html", context)
    response["Cache-Control"] = "no-store, private"
    return response


@identity_verified_required
def export_download(request, token: str):
    found, refusal = _own_export(request, token)
    if refusal is not None:
        return refusal
    path = export.file_path(found)
    export.record_download(found)
    filename = f"snshelper-{request.user.member_id}-{clock.now():%Y-%m-%d}.json"
    response = FileResponse(
        export.open_file(path),  # decrypted as it is sent; FileResponse closes it
        as_attachment=True,
        filename=filename,
        content_type="application/json; charset=utf-8",
    )
    if found.size:
        response["Content-Length"] = found.size  # the clear size (the file on disk is encrypted)
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
