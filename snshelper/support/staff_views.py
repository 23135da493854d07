"""Support staff's pages under /staff/support/: the queue, a consultation (reply with a canned reply,
internal notes, assign, close, reopen, flag a dispute) and the canned replies. The privacy officer
reads complaints and privacy consultations (and their attachments), and writes nothing here."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core.errors import DomainError
from snshelper.core.network import client_ip
from snshelper.core.uploads import UploadRefused
from snshelper.staff import reveals
from snshelper.staff.access import staff_page
from snshelper.staff.roles import PRIVACY_OFFICER, SUPPORT
from snshelper.support import selectors, services
from snshelper.support.forms import (
    AssignForm,
    CannedPickForm,
    CannedReplyForm,
    DisputeForm,
    QueueForm,
    RevealContactForm,
    StaffReplyForm,
)
from snshelper.support.models import Status, Topic
from snshelper.support.views import _file_response

ANSWER = "staff.answer_consultations"
REVEALED = ("accounts.Member.email", "accounts.Member.phone")


def _answers(user) -> bool:
    return user.has_perm(ANSWER)


def _visible(user, consultation) -> bool:
    return _answers(user) or consultation.is_complaint or consultation.topic == Topic.PRIVACY


def _consultation(request, number):
    consultation = selectors.consultation_for_staff(number)
    if consultation is None or not _visible(request.user, consultation):
        raise Http404
    return consultation


@staff_page(SUPPORT, PRIVACY_OFFICER)
def queue(request):
    answers = _answers(request.user)
    query = QueueForm(request.GET)
    chosen = query.value("filter", "waiting")
    if chosen not in selectors.QUEUE_FILTERS or not answers:
        chosen = "waiting" if answers else "all"
    rows = selectors.queue(filter=chosen, staff=request.user)
    if not answers:
        rows = selectors.privacy_officer_view(rows)
    rows = selectors.search_filter(rows, query.value("q", ""))
    page = Paginator(rows, 30).get_page(query.value("page"))
    for consultation in page:
        consultation.overdue = selectors.is_overdue(consultation)
        consultation.first_response_time = selectors.first_response_time(consultation)
        consultation.resolution_time = selectors.resolution_time(consultation)
    return render(
        request,
        "support/staff/queue.html",
        {
            "page": page,
            "filter": chosen,
            "filters": selectors.QUEUE_FILTERS if answers else ("all",),
            "q": query.value("q", ""),
            "times": selectors.queue_times(),
            "counts": selectors.queue_counts(),
            "answers": answers,
        },
    )


def _revealed(request, consultation) -> dict:
    """On a POST with a reason: the member's email and phone in clear, for this response only."""

    form = RevealContactForm(request.POST if request.method == "POST" else None)
    if not form.is_bound or not form.is_valid() or not form.cleaned_data["reveal"]:
        return {}
    member = consultation.member
    try:
        return reveals.reveal_many(
            staff=request.user,
            member=member,
            asks=[(field.rpartition(".")[2], field, member) for field in REVEALED],
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
    except reveals.RevealRefused as error:
        messages.error(request, str(error.message))
        return {}


def _render_detail(request, consultation, form=None):
    answers = _answers(request.user)
    canned = None
    if form is None:
        initial = {}
        picked = CannedPickForm(request.GET).picked()
        if picked is not None:
            canned = selectors.canned_reply(picked)
            if canned is not None:
                initial["body"] = canned.body_in(consultation.member.language)
        form = StaffReplyForm(initial=initial)
    return render(
        request,
        "support/staff/detail.html",
        {
            "consultation": consultation,
            "thread": consultation.thread,
            "form": form,
            "answers": answers,
            "revealed": _revealed(request, consultation),
            "canned": selectors.canned_replies() if answers else [],
            "picked": canned,
            "support_staff": selectors.support_staff() if answers else [],
            "closed": consultation.status == Status.CLOSED,
            "overdue": selectors.is_overdue(consultation),
            "first_response_time": selectors.first_response_time(consultation),
            "resolution_time": selectors.resolution_time(consultation),
            "others": selectors.other_consultations(consultation),
        },
    )


@staff_page(SUPPORT, PRIVACY_OFFICER)
def detail(request, number):
    return _render_detail(request, _consultation(request, number))


@staff_page(SUPPORT)
@require_POST
def reply(request, number):
    consultation = _consultation(request, number)
    form = StaffReplyForm(request.POST, request.FILES)
    if form.is_valid():
        internal = form.cleaned_data["internal"]
        try:
            services.reply(
                consultation=consultation,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                internal=internal,
            )
        except UploadRefused as error:
            form.add_error("files", str(error.message))
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Note saved (staff only).") if internal else _("Reply sent: the member is notified."),
            )
            return redirect("support_staff:detail", number=number)
    consultation = _consultation(request, number)
    return _render_detail(request, consultation, form)


def _act(request, number, action, done: str):
    consultation = _consultation(request, number)
    try:
        action(consultation)
        messages.success(request, done)
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("support_staff:detail", number=number)


@staff_page(SUPPORT)
@require_POST
def assign(request, number):
    chosen = AssignForm(request.POST).chosen()
    if chosen == "me":
        to = request.user
    elif chosen is not None:
        to = selectors.support_staff().filter(pk=chosen).first()
        if to is None:
            raise Http404
    else:
        to = None
    done = _("Assigned to %(name)s.") % {"name": to.name} if to else _("No one is assigned now.")
    return _act(request, number, lambda c: services.assign(consultation=c, to=to, by=request.user), done)


@staff_page(SUPPORT)
@require_POST
def close(request, number):
    return _act(
        request,
        number,
        lambda c: services.close(consultation=c, by=request.user),
        _("Closed: the member is notified."),
    )


@staff_page(SUPPORT)
@require_POST
def reopen(request, number):
    return _act(request, number, lambda c: services.reopen(consultation=c, by=request.user), _("Reopened."))


@staff_page(SUPPORT)
@require_POST
def flag(request, number):
    form = DisputeForm(request.POST)
    disputed = form.is_valid() and form.cleaned_data["disputed"]
    done = _("Flagged as a dispute: kept 5 years after closing.") if disputed else _("Dispute flag removed.")
    return _act(
        request,
        number,
        lambda c: services.flag_dispute(consultation=c, by=request.user, disputed=disputed),
        done,
    )


@staff_page(SUPPORT, PRIVACY_OFFICER)
def attachment(request, pk):
    """Served to support staff and (for complaints and privacy consultations) the privacy officer."""
    found = selectors.attachment_for_staff(pk)
    if found is None or not found.file or not _visible(request.user, found.message.consultation):
        raise Http404
    return _file_response(found)


# --- Canned replies ---------------------------------------------------------------------------------


@staff_page(SUPPORT)
def canned_list(request):
    return render(
        request, "support/staff/canned_list.html", {"replies": selectors.canned_replies(active_only=False)}
    )


@staff_page(SUPPORT)
def canned_edit(request, pk=None):
    canned = None
    if pk is not None:
        canned = selectors.canned_reply(pk)
        if canned is None:
            raise Http404
    initial = (
        {
            "title": canned.title,
            "body_th": canned.body_th,
            "body_en": canned.body_en,
            "body_ko": canned.body_ko,
            "active": canned.active,
        }
        if canned
        else None
    )
    form = CannedReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_canned_reply(canned=canned, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("support_staff:canned_list")
    return render(request, "support/staff/canned_edit.html", {"form": form, "canned": canned})
