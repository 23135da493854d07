from django.conf import settings
from django.shortcuts import render

from snshelper.privacy import policy
from snshelper.privacy.cookies import declared_cookies


def policy_page(request):
    return render(
        request,
        "privacy/policy.html",
        {
            "blocks": policy.seed_blocks(),
            "officer_name": settings.PRIVACY_OFFICER_NAME,
            "officer_email": settings.PRIVACY_OFFICER_EMAIL,
        },
    )


def cookies_page(request):
    return render(request, "privacy/cookies.html", {"cookies": declared_cookies()})
