"""The privacy officer's desk: data-subject requests, questions and complaints, with due dates."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from snshelper.privacy import selectors

HANDLE = "staff.handle_privacy_requests"


@permission_required(HANDLE, raise_exception=True)
def desk(request):
    return render(request, "privacy/staff/desk.html", {"desk": selectors.officer_desk()})
