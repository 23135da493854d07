"""The member's consultations under /support/: list, open one, read the thread, reply, close, reopen."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.core.errors import DomainError
from snshelper.core.uploads import UploadRefused
from snshelper.support import selectors, services
from snshelper.support.forms import ConsultationForm, PreselectForm, ReplyForm
from snshelper.support.models import Status


@login_required
def consultations(request):
    return render(request, "support/list.html", {"consultations": selectors.consultations_for(request.user)})


@login_required
def new(request):
    orders = selectors.member_orders(request.user)
    top_ups = selectors.member_top_ups(request.user)
    form = ConsultationForm(
        request.POST or None,
        request.FILES or None,
        orders=orders,
        top_ups=top_ups,
        initial=PreselectForm(request.GET).initial_for(orders, top_ups),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.open_consultation(
                member=request.user,
                topic=data["topic"],
                subject=data["subject"],
                body=data["body"],
                order=next((o for o in orders if o.pk == data["order"]), None),
                top_up=next((t for t in top_ups if t.pk == data["top_up"]), None),
                files=data["files"],
            )
        except UploadRefused as error:
            form.add_error("files", str(error.message))
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you. Our support team will answer within 24 hours."))
            return redirect("support:detail", number=consultation.number)
    return render(request, "support/new.html", {"form": form})


def _own(request, number):
    consultation = selectors.consultation_for(request.user, number)
    if consultation is None:
        raise Http404
    return consultation


@login_required
def detail(request, number):
    consultation = _own(request, number)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply(
                consultation=consultation,
                author=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except UploadRefused as error:
            form.add_error("files", str(error.message))
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Your message was sent."))
            return redirect("support:detail", number=number)
    return render(
        request,
        "support/detail.html",
        {
            "consultation": consultation,
            "form": form,
            "closed": consultation.status == Status.CLOSED,
            "reopen_days": services.MEMBER_REOPEN_DAYS,
        },
    )


@login_required
@require_POST
def close(request, number):
    consultation = _own(request, number)
    try:
        services.close(consultation=consultation, by=request.user)
        messages.success(request, _("The consultation is closed. You can reopen it if you still need help."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("support:detail", number=number)


@login_required
@require_POST
def reopen(request, number):
    consultation = _own(request, number)
    try:
        services.reopen(consultation=consultation, by=request.user)
        messages.success(request, _("The consultation is open again. Write what you still need."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("support:detail", number=number)


@login_required
def attachment(request, pk):
    """Served only to the member whose consultation it belongs to, never from a public URL."""
    found = selectors.attachment_for_member(request.user, pk)
    if found is None or not found.file:
        raise Http404
    return _file_response(found)


def _file_response(found) -> FileResponse:
    extension = found.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        filename=f"{found.message.consultation.number}-{found.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
