"""The answer to a "view" request (P9): a copy of every registered field of a member's records.

``request_view`` records the request (due in ``PRIVACY_ANSWER_DAYS`` days) and queues ``prepare``,
which writes one JSON file under ``MEDIA_ROOT/exports/``, encrypted with the field keys
(``core.encrypted_files``; never served directly: only the member's own, identity-verified pages
decrypt it) and sends the member a notice (``privacy.notices``: the
notification centre, email, LINE) with a link that works until the export expires. The disclosures
of the member's data to outside parties (P7) and the correction notices sent to them (P11) are
listed in the same file.

What goes in is read from the personal-data registry: for every model it says a member owns, the
member's rows (``registry.member_rows``) with the declared fields and the row's id, nothing else.
Rows are streamed from the database and written as they come, so memory stays flat however many
orders a member has. Encrypted fields come out decrypted (it is the member's own data); sign-in
credentials (password hashes, authenticator secrets, key hashes, emailed codes) are listed with
their declaration but their value is withheld: the file must not be a way to sign in as the member.

The file is valid JSON with a fixed layout of one thing per line, which ``read`` relies on to show
it as a page without loading it whole::

    {"format": "snshelper-export-1", "member_id": …, "generated_at": …, "policy_version": …, …,
    "records": {
    "orders.Order": {"label": …, "fields": {"link": {"label", "category", "purpose", …}}, "rows": [
    {"id": 1, "link": …},
    {"id": 2, "link": …}
    ], "count": 2},
    …
    },
    "disclosures": [
    {…}
    ],
    "correction_notices": [
    ]
    }
"""

import base64
import io
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from json.encoder import encode_basestring
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from snshelper.core import clock, encrypted_files, events
from snshelper.notifications import selectors as notification_selectors
from snshelper.notifications import services as notices
from snshelper.privacy import registry
from snshelper.privacy.models import (
    CorrectionNotice,
    DataExport,
    DataSubjectRequest,
    Disclosure,
    PolicyVersion,
    RequestStep,
)
from snshelper.privacy.registry import Category
from snshelper.privacy.retention import RULES
from snshelper.privacy_rights import signals
from snshelper.privacy_rights.notices import EXPORT_READY
from snshelper.wallet import memos

FORMAT = "snshelper-export-1"
CHUNK = 2000  # rows fetched from the database at a time
DIRECTORY = "exports"  # under MEDIA_ROOT
WITHHELD = "[withheld]"  # the value written for a credential that is held but not given out
WITHHELD_CATEGORIES = {Category.CREDENTIAL}
_BUFFER = 1 << 20


# --- Requesting and preparing ---------------------------------------------------------------


def request_view(*, member, by=None) -> DataSubjectRequest:
    """Record a "view" request of a member whose identity was just verified, and queue its export.

    A request still being prepared is returned instead of starting another one."""
    pending = (
        DataSubjectRequest.objects.filter(
            member=member,
            kind=DataSubjectRequest.Kind.VIEW,
            status=DataSubjectRequest.Status.OPEN,
            export__ready_at__isnull=True,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if pending is not None:
        return pending
    now = clock.now()
    with transaction.atomic():
        request = DataSubjectRequest.objects.create(
            member=member,
            kind=DataSubjectRequest.Kind.VIEW,
            created_at=now,
            verified_at=now,
            due_at=now + timedelta(days=settings.PRIVACY_ANSWER_DAYS),
        )
        # The request's verified_at says the identity was verified: the step needs no note.
        RequestStep.objects.create(request=request, at=now, actor=by or member, action="received")
        export = DataExport.objects.create(
            request=request, created_at=now, expires_at=now + timedelta(days=settings.PRIVACY_EXPORT_DAYS)
        )
        events.send_on_commit(signals.export_requested, sender=DataExport, export_id=export.pk)
    return request


def prepare(export: DataExport) -> DataExport:
    """Write the member's file, close the request and mail the member the link (idempotent)."""
    export = DataExport.objects.select_related("request__member").get(pk=export.pk)
    if export.ready_at is not None:
        return export
    request = export.request
    member = request.member
    directory = Path(settings.MEDIA_ROOT) / DIRECTORY
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.json"
    partial = directory / f"{name}.part"
    try:
        with (
            translation.override(member.language or settings.LANGUAGE_CODE),
            io.TextIOWrapper(
                io.BufferedWriter(encrypted_files.open_for_writing(partial), buffer_size=_BUFFER),
                encoding="utf-8",
                newline="\n",
            ) as out,
        ):
            counts = write(out, member)
            out.flush()
            size = out.buffer.raw.written  # the clear size: what the member downloads
        os.chmod(partial, 0o600)
        os.replace(partial, directory / name)
    finally:
        partial.unlink(missing_ok=True)
    now = clock.now()
    with transaction.atomic():
        if DataExport.objects.select_for_update().get(pk=export.pk).ready_at is not None:
            (directory / name).unlink(missing_ok=True)  # another run of the job got there first
            return DataExport.objects.get(pk=export.pk)
        export.path = f"{DIRECTORY}/{name}"
        export.size = size
        export.ready_at = now
        export.expires_at = now + timedelta(days=settings.PRIVACY_EXPORT_DAYS)
        export.save(update_fields=["path", "size", "ready_at", "expires_at"])
        RequestStep.objects.create(
            request=request,
            at=now,
            action="prepared",
            note=f"{sum(counts.values())} records of {len(counts)} kinds, {export.size} bytes",
        )
        request.status = DataSubjectRequest.Status.DONE
        request.closed_at = now
        request.save(update_fields=["status", "closed_at"])
    _tell_member(export)
    return export


def _tell_member(export: DataExport) -> None:
    """The "ready" notice with the link to the export page (required: the answer to a request), in the
    member's notification centre and by email and LINE; the request's steps say whether it was mailed."""
    request = export.request
    notification = notices.notify(
        member=request.member,
        kind=EXPORT_READY,
        params={"expires_at": export.expires_at.isoformat()},
        link=page_url(export),
        event_key=f"export:{export.pk}:ready",
    )
    if notification_selectors.goes_by_email(notification):
        RequestStep.objects.create(request=request, action="mailed")
        return
    refusal = notification_selectors.email_refusal(notification)
    if refusal:
        why = "email address under correction" if "corrected" in refusal else "email refused"
    else:
        why = "no email notices chosen" if notification else "no notice made"
    RequestStep.objects.create(request=request, action="not_mailed", note=f"{why}; shown on site only")


def page_url(export: DataExport) -> str:
    return reverse("privacy_member:export", args=[export.token])


def file_path(export: DataExport) -> Path | None:
    """Where the export's file is, when it exists."""
    if not export.path:
        return None
    path = Path(settings.MEDIA_ROOT) / export.path
    return path if path.is_file() else None


def open_file(path: Path):
    """The export's clear content as a binary stream, for its member only (the file is encrypted)."""
    return encrypted_files.open_for_reading(path)


def is_expired(export: DataExport) -> bool:
    return export.expires_at <= clock.now()


def record_download(export: DataExport) -> None:
    now = clock.now()
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=now)
    RequestStep.objects.create(request_id=export.request_id, at=now, action="downloaded")


def destroy_file(export: DataExport) -> bool:
    """Delete an export's file and forget its path (the retention sweep does the same for expired
    exports; see ``privacy.privacy``)."""
    path = file_path(export)
    if path is not None:
        path.unlink(missing_ok=True)
    changed = bool(export.path)
    if changed:
        DataExport.objects.filter(pk=export.pk).update(path="", size=0)
        export.path, export.size = "", 0
    return changed


# --- Writing the file -------------------------------------------------------------------------


def _datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _kind(model_field) -> str:
    if getattr(model_field, "encrypted", False):
        return "text"
    for kind, types in (
        ("datetime", models.DateTimeField),
        ("date", models.DateField),
        ("decimal", models.DecimalField),
        ("file", models.FileField),
        ("json", models.JSONField),
        ("boolean", models.BooleanField),
        ("number", (models.IntegerField, models.FloatField)),
        ("binary", models.BinaryField),
    ):
        if isinstance(model_field, types):
            return kind
    return "text"


# Each value's JSON text, made in Python (any database; encrypted fields, credentials, bundles)...
def _json_text(value) -> str:
    return "null" if value is None else encode_basestring(value if isinstance(value, str) else str(value))


def _json_quoted(convert):
    return lambda value: "null" if value is None else f'"{convert(value)}"'


def _json_any(value) -> str:
    return _dumps(value)


def _json_memo(value) -> str:
    """A ledger memo (a code and parameters) as text in the member's language."""
    return _json_text(memos.render(value))


def _json_withheld(value) -> str:
    return "null" if value in (None, "", b"", {}, []) else f'"{WITHHELD}"'


_PYTHON = {
    "text": _json_text,
    "file": _json_text,
    "datetime": _json_quoted(_datetime),
    "date": _json_quoted(date.isoformat),
    "decimal": _json_quoted(str),
    "binary": _json_quoted(lambda value: base64.b64encode(bytes(value)).decode()),
    "json": _json_any,
    "boolean": _json_any,
    "number": _json_any,
}
# ... or by PostgreSQL, the same text, so that Python only writes it: a column's SQL expression
# with {} for the column. The connection's time zone is UTC (Django sets it), so timestamps come
# out in UTC.
_POSTGRESQL = {
    "text": "COALESCE(to_json({})::text, 'null')",
    "file": "COALESCE(to_json({})::text, 'null')",
    "datetime": (  # to_json() would drop trailing zeros of the microseconds: isoformat() does not
        "CASE WHEN {0} IS NULL THEN 'null' ELSE '\"' || replace(to_char({0} AT TIME ZONE 'UTC',"
        " 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '') || '+00:00\"' END"
    ),
    "date": "COALESCE(to_json({})::text, 'null')",
    "decimal": "COALESCE(to_json({}::text)::text, 'null')",
    "json": "COALESCE({}::text, 'null')",
    "boolean": "COALESCE(to_json({})::text, 'null')",
    "number": "COALESCE(to_json({})::text, 'null')",
}


@dataclass
class _Column:
    name: str
    kind: str
    encrypted: bool = False
    withheld: bool = False


@dataclass
class _Kind:
    label: str
    model: type
    columns: list[_Column] = field(default_factory=list)


def _kinds() -> list[_Kind]:
    kinds = []
    for label in registry.owned_models():
        kind = _Kind(label, apps.get_model(label))
        for declaration in registry.declarations_for(label):
            kind.columns.append(
                _Column(
                    declaration.field,
                    _kind(declaration.model_field),
                    encrypted=getattr(declaration.model_field, "encrypted", False),
                    withheld=declaration.category in WITHHELD_CATEGORIES,
                )
            )
        kinds.append(kind)
    return sorted(kinds, key=lambda kind: registry.owner_path(kind.label) != "pk")  # the member first


def _field_meta(label: str, column: _Column) -> dict:
    declaration = registry.declaration(label, column.name)
    rule = RULES.get(declaration.retention)
    meta = {
        "label": declaration.verbose_name,
        "category": str(Category(declaration.category).label),
        "purpose": str(registry.Purpose(declaration.purpose).label),
        "retention": f"{rule.label}: {rule.basis}" if rule else declaration.retention,
        "type": column.kind,
    }
    if column.withheld:
        meta["withheld"] = _(
            "We hold this sign-in secret but do not put it in a copy: it could be used to sign in as you."
        )
    return meta


def _policy_version():
    version = (
        PolicyVersion.objects.filter(effective_at__lte=clock.now())
        .order_by("-number")
        .values("number")
        .first()
    )
    return version["number"] if version else None


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _bundle_for(member, disclosure_id: int, bundle: str, shared: set[int]):
    """What of a disclosure's bundle is about this member. The register's bundle lists each
    member's part under "members" (``privacy.disclosures``): only this member's part is kept, and
    a credential in it is withheld. A bundle of another shape is given whole when the provision
    was about this member alone, and withheld when it was about several people."""
    try:
        parsed = json.loads(bundle) if bundle else bundle
    except ValueError:
        parsed = bundle
    parts = parsed.get("members") if isinstance(parsed, dict) else None
    if isinstance(parts, list) and all(isinstance(part, dict) for part in parts):
        own = [
            {key: _withheld_in_bundle(key, value) for key, value in part.items()}
            for part in parts
            if part.get("member_id") == member.member_id
        ]
        return {**parsed, "members": own}
    return WITHHELD if disclosure_id in shared else parsed


def _withheld_in_bundle(key: str, value):
    label, _dot, name = key.rpartition(".")
    declaration = registry.declaration(label, name) if label else None
    if declaration is not None and declaration.category in WITHHELD_CATEGORIES:
        return WITHHELD
    return value


def _shared_disclosures(member) -> set[int]:
    """The member's disclosures that were about other people too."""
    own = Disclosure.objects.filter(members=member).values("pk")
    return set(
        Disclosure.objects.filter(pk__in=own)
        .annotate(people=models.Count("members"))
        .filter(people__gt=1)
        .values_list("pk", flat=True)
    )


class _Bundle:
    """The encoder of a disclosure's bundle: this member's part only (it needs the row's pk)."""

    per_row = True

    def __init__(self, member):
        self.member = member
        self.shared = _shared_disclosures(member)

    def __call__(self, value, pk) -> str:
        return _dumps(_bundle_for(self.member, pk, value, self.shared))


@dataclass
class _Plan:
    """How a kind's rows become their JSON lines: the expressions to select after the pk, and a
    %-template that Python fills, for each (row index, encoder) in ``slots``, with the row's value
    there, through the encoder (None: the database made its JSON text already)."""

    select: dict = field(default_factory=dict)  # alias → a field's name, or an expression
    slots: list = field(default_factory=list)
    template: list = field(default_factory=list)


def _plan(kind: _Kind, member, *, in_sql: bool) -> _Plan:
    """With ``in_sql`` (PostgreSQL) the database writes the JSON text of every column it can, and
    each run of literals and such columns comes back as one string; Python encodes only what it
    must open or judge: encrypted fields, credentials and bundles."""
    plan, segment = _Plan(), []
    quote = connection.ops.quote_name
    table = quote(kind.model._meta.db_table)

    def slot(source, encoder):
        if source is not None and not isinstance(source, int):
            alias = f"export_{len(plan.select)}"
            plan.select[alias] = source
            source = len(plan.select)  # values_list("pk", *aliases): 0 is the pk
        plan.slots.append((source, encoder))
        plan.template.append("%s")

    def flush():
        if segment:
            # Model metadata and escaped literals only: nothing from outside goes into this SQL.
            slot(RawSQL(" || ".join(segment), (), output_field=models.TextField()), None)  # noqa: S611
            segment.clear()

    def literal(text: str):
        if in_sql:
            segment.append("'" + text.replace("'", "''") + "'")
        else:
            plan.template.append(text.replace("%", "%%"))

    def column(name: str, sql: str | None, encoder):
        if in_sql and sql is not None:
            segment.append(sql)
        else:
            flush()
            slot(0 if name == "pk" else name, encoder)

    literal('{"id": ')
    column("pk", f"{table}.{quote(kind.model._meta.pk.column)}::text", _json_any)
    for c in kind.columns:
        literal(f', "{c.name}": ')
        if c.withheld:
            column(c.name, None, _json_withheld)
        elif kind.model is Disclosure and c.name == "bundle":
            column(c.name, None, _Bundle(member))
        elif kind.label == "wallet.LedgerTransaction" and c.name == "memo":
            column(c.name, None, _json_memo)
        elif not c.encrypted and c.kind in _POSTGRESQL:
            sql = _POSTGRESQL[c.kind].format(f"{table}.{quote(kind.model._meta.get_field(c.name).column)}")
            column(c.name, sql, _PYTHON[c.kind])
        else:
            column(c.name, None, _PYTHON[c.kind])
    literal("}")
    flush()
    return plan


def _lines(kind: _Kind, member, *, in_sql: bool | None = None):
    """The member's rows of one kind, each as its line of JSON, streamed in chunks."""
    in_sql = connection.vendor == "postgresql" if in_sql is None else in_sql
    plan = _plan(kind, member, in_sql=in_sql)
    expressions = {alias: e for alias, e in plan.select.items() if not isinstance(e, str)}
    names = [e if isinstance(e, str) else alias for alias, e in plan.select.items()]
    queryset = registry.member_rows(kind.model, member).annotate(**expressions).order_by("pk")
    rows = queryset.values_list("pk", *names).iterator(chunk_size=CHUNK)
    template = "".join(plan.template)
    if template == "%s" and plan.slots == [(1, None)]:  # the database made all of it
        for row in rows:
            yield row[1]
        return
    for row in rows:
        values = []
        for i, encoder in plan.slots:
            if encoder is None:
                values.append(row[i])
            elif getattr(encoder, "per_row", False):
                values.append(encoder(row[i], row[0]))
            else:
                values.append(encoder(row[i]))
        yield template % tuple(values)


def _write_lines(out, lines) -> int:
    """Each line on its own, commas after all but the last; how many were written."""
    count = 0
    previous = None
    for line in lines:
        if previous is not None:
            out.write(previous + ",\n")
        previous = line
        count += 1
    if previous is not None:
        out.write(previous + "\n")
    return count


def _disclosures(member):
    for disclosure in Disclosure.objects.filter(members=member).order_by("disclosed_at", "id").iterator():
        yield {
            "id": disclosure.pk,
            "recipient": disclosure.recipient,
            "recipient_contact": disclosure.recipient_contact,
            "legal_basis": disclosure.legal_basis,
            "fields": list(disclosure.fields),
            "field_labels": [_field_label(key) for key in disclosure.fields],
            "disclosed_at": _datetime(disclosure.disclosed_at),
        }


def _correction_notices(member):
    notices = (
        CorrectionNotice.objects.filter(member=member)
        .select_related("disclosure")
        .order_by("created_at", "id")
    )
    for notice in notices.iterator():
        yield {
            "id": notice.pk,
            "recipient": notice.disclosure.recipient,
            "disclosure": notice.disclosure_id,
            "field": notice.field,
            "field_label": _field_label(notice.field),
            "created_at": _datetime(notice.created_at),
            "sent_at": _datetime(notice.sent_at) if notice.sent_at else None,
            "text": notice.text,
        }


def _field_label(key: str) -> str:
    """ "orders.Order.link" → "Order: link or account ID" (the key itself when unknown)."""
    label, _dot, name = key.rpartition(".")
    declaration = registry.declaration(label, name) if label else None
    if declaration is None:
        return key
    return f"{capfirst(registry.record_name(declaration.model))}: {declaration.verbose_name}"


def write(out, member) -> dict[str, int]:
    """Write the member's export to the text file ``out``; the number of rows of each kind."""
    header = {
        "format": FORMAT,
        "member_id": member.member_id,
        "generated_at": _datetime(clock.now()),
        "policy_version": _policy_version(),
        "language": translation.get_language(),
        "site": settings.SITE_NAME,
    }
    out.write(_dumps(header)[:-1] + ",\n")
    out.write('"records": {\n')
    counts = {}
    kinds = _kinds()
    for n, kind in enumerate(kinds):
        meta = {
            "label": registry.record_name(kind.model, plural=True),
            "fields": {c.name: _field_meta(kind.label, c) for c in kind.columns},
        }
        out.write(_dumps({kind.label: meta})[1:-2] + ', "rows": [\n')
        counts[kind.label] = _write_lines(out, _lines(kind, member))
        last = n == len(kinds) - 1
        out.write(f'], "count": {counts[kind.label]}}}' + ("\n" if last else ",\n"))
    out.write("},\n")
    out.write('"disclosures": [\n')
    _write_lines(out, map(_dumps, _disclosures(member)))
    out.write("],\n")
    out.write('"correction_notices": [\n')
    _write_lines(out, map(_dumps, _correction_notices(member)))
    out.write("]\n}\n")
    return counts


# --- Reading it back for the page ---------------------------------------------------------------


@dataclass
class Section:
    key: str  # "app.Model"
    label: str
    fields: dict  # name → metadata, as written
    count: int = 0
    rows: list = field(default_factory=list)  # the rows shown
    offset: int = 0  # how many rows come before the first shown


@dataclass
class Contents:
    header: dict
    sections: list[Section]
    disclosures: list[dict]
    correction_notices: list[dict]


def read(path: Path, *, limit: int, only: str | None = None, offset: int = 0) -> Contents:
    """Read an export written by ``write`` without loading it whole: every section with its first
    ``limit`` rows, or (``only``) one section with ``limit`` rows from ``offset``."""
    header, sections, lists = {}, [], {"disclosures": [], "correction_notices": []}
    section, listing, seen = None, None, 0
    with io.TextIOWrapper(encrypted_files.open_for_reading(path), encoding="utf-8", newline="\n") as source:
        for number, line in enumerate(source):
            line = line.rstrip("\n")
            if number == 0:
                header = json.loads(line.removesuffix(",") + "}")
            elif section is not None:
                if line.startswith("]"):
                    section.count = int(line.split(":", 1)[1].split("}", 1)[0])
                    section = None
                else:
                    if section.offset <= seen < section.offset + limit:
                        section.rows.append(json.loads(line.removesuffix(",")))
                    seen += 1
            elif listing is not None:
                if line.startswith("]"):
                    listing = None
                else:
                    listing.append(json.loads(line.removesuffix(",")))
            elif line.endswith('"rows": ['):
                ((key, meta),) = json.loads("{" + line.removesuffix(', "rows": [') + "}}").items()
                section, seen = Section(key, meta["label"], meta["fields"]), 0
                if only is not None and key != only:
                    section.offset = -1 - limit  # counts its rows, keeps none
                elif only is not None:
                    section.offset = offset
                sections.append(section)
            elif line.startswith('"disclosures"'):
                listing = lists["disclosures"]
            elif line.startswith('"correction_notices"'):
                listing = lists["correction_notices"]
    return Contents(header, sections, lists["disclosures"], lists["correction_notices"])
