"""Pages staff write, as visitors read them: /pages/<slug>/ in their language (else Thai)."""

from django.http import Http404
from django.shortcuts import render

from snshelper.pages import markup, selectors

PREVIEW = "pages.view_page"  # staff who may see the list of pages may read drafts too


def page(request, slug: str):
    shown = selectors.page_to_show(slug=slug, drafts=request.user.has_perm(PREVIEW))
    if shown is None:
        raise Http404
    version = shown.current
    return render(
        request,
        "pages/page.html",
        {
            "page": shown,
            "version": version,
            "language": version.language(),
            "body": markup.render(version.body),
        },
    )
