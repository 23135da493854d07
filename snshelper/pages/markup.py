"""The simple markup staff write pages in: Markdown, rendered and sanitised on the server.

Markdown becomes HTML, then nh3 keeps only the tags and attributes below: no script, no style, no
inline event handler, no image or frame (the CSP forbids inline code and other hosts anyway), links
only to http(s), mailto and tel (and relative ones), each with rel="noopener noreferrer nofollow".
A page's own title is its h1, so the text's headings start at h2 ("# x" is read as "## x"); each
gets an id ("section-…")
so a question of the FAQ can be linked to.
"""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions.toc import TocExtension

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
}  # fmt: skip
HEADINGS = ("h2", "h3", "h4", "h5", "h6")
ATTRIBUTES = {"a": {"href", "title"}, **{heading: {"id"} for heading in HEADINGS}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


WORD = re.compile(r"[\w\u0E00-\u0E7F]+")  # Thai vowels and tone marks are no "word" characters to re
TOP_HEADING = re.compile(r"<(/?)h1\b")


def _anchor(value: str, separator: str) -> str:
    return "section-" + separator.join(WORD.findall(value.lower()))


def render(text: str) -> SafeString:
    """The HTML of ``text`` (Markdown), safe to put in a page."""
    html = markdown.markdown(
        text,
        extensions=["tables", "sane_lists", "fenced_code", TocExtension(slugify=_anchor)],
        output_format="html",
    )
    html = TOP_HEADING.sub(r"<\1h2", html)  # "# x" and "## x" are both sections under the title
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above: only the tags listed)
