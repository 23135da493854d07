"""The privacy policy, generated: what we collect and why from the registry, how long we keep it
from the retention rules, the cookies from their declarations, the officer from settings. The prose
says what the business's Thai policy says (``policy/privacy-policy-th.txt``, kept as first written).

``build(language)`` gives the policy as sections of blocks; the page renders them, and
``render_text(language)`` writes the same blocks as plain text: what a published version keeps
(``versions.py``) and what the diff between versions compares. Adding a field to the registry
changes both without touching a template.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from snshelper.privacy import registry
from snshelper.privacy.cookies import declared_cookies
from snshelper.privacy.models import RefusalGround
from snshelper.privacy.registry import Category, Purpose
from snshelper.privacy.retention import RULES, RetentionRule

AUTOMATIC = (Category.ONLINE_IDENTIFIER, Category.USAGE_RECORD)  # collected as the service is used
BULLET = "– "


# --- Blocks: each knows its kind (the page's template picks markup by it) and its plain text -----


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str

    def lines(self) -> list[str]:
        return [self.text]


@dataclass(frozen=True)
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: list[str]
    title: str = ""

    def lines(self) -> list[str]:
        return ([self.title] if self.title else []) + [BULLET + item for item in self.items]


@dataclass(frozen=True)
class Entry:
    label: str
    text: str


@dataclass(frozen=True)
class Activity:
    """One activity of the seed policy: the items collected for a purpose, and what for."""

    kind: ClassVar[str] = "activity"
    key: str  # the purpose's value
    title: str
    purpose: str  # the registry's label of the purpose
    items_title: str
    items: list[Entry]
    uses_title: str
    uses: list[str]
    notes: list[str] = field(default_factory=list)
    more_title: str = ""  # a second list of items, e.g. what is kept for security besides the above
    more_items: list[Entry] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [self.title, self.purpose, self.items_title]
        lines += [f"{BULLET}{item.label}: {item.text}" for item in self.items]
        if self.more_items:
            lines.append(self.more_title)
            lines += [f"{BULLET}{item.label}: {item.text}" for item in self.more_items]
        return [*lines, *self.notes, self.uses_title, *(BULLET + use for use in self.uses)]


@dataclass(frozen=True)
class Row:
    key: str  # names the row on the page (a rule's key, a cookie's name)
    cells: list[str]


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    headers: list[str]
    rows: list[Row]

    def labelled_rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each row's key and its cells with their column headers (phones show cells as cards)."""
        return [(row.key, list(zip(self.headers, row.cells, strict=True))) for row in self.rows]

    def lines(self) -> list[str]:
        return [f"{BULLET}{row.cells[0]}: " + " · ".join(row.cells[1:]) for row in self.rows]


@dataclass(frozen=True)
class Contact:
    kind: ClassVar[str] = "contact"
    name_label: str
    name: str
    email_label: str
    email: str

    def lines(self) -> list[str]:
        return [f"{self.name_label}: {self.name}", f"{self.email_label}: {self.email}"]


@dataclass(frozen=True)
class Link:
    kind: ClassVar[str] = "link"
    text: str
    href: str
    line: bool = False  # the green LINE button

    def lines(self) -> list[str]:
        return [f"{self.text}: {self.href}"]


@dataclass(frozen=True)
class Section:
    key: str  # the page's anchor
    title: str
    blocks: list


@dataclass(frozen=True)
class Policy:
    language: str
    title: str
    sections: list[Section]

    def text(self) -> str:
        parts = [self.title]
        for number, section in enumerate(self.sections, 1):
            parts.append(f"{number}. {section.title}")
            parts.extend("\n".join(block.lines()) for block in section.blocks)
        return "\n\n".join(parts) + "\n"


# --- The policy ------------------------------------------------------------------------------


def build(language: str) -> Policy:
    """The policy as it stands today, in ``language``."""
    with translation.override(language):
        name = settings.SITE_NAME
        return Policy(
            language=language,
            title=_("%(site)s privacy policy") % {"site": name},
            sections=[
                _introduction(name),
                _collected(name),
                _retention(),
                _third_parties(name),
                _officer(name),
                _rights(),
                _cookies(name),
                _measures(name),
                _changes(),
                _line(),
            ],
        )


def render_text(language: str) -> str:
    """The whole policy as plain text: what a version keeps and what diffs compare."""
    return build(language).text()


def _introduction(name: str) -> Section:
    return Section(
        "introduction",
        _("Introduction"),
        [
            Paragraph(
                _(
                    "%(site)s marketing services: everyone can use our services easily, and every "
                    "service is available 24 hours a day."
                )
                % {"site": name}
            ),
            Paragraph(
                _(
                    "%(site)s values the protection of its customers' personal data and complies with "
                    "the laws and regulations that apply, such as the Act on Promotion of Information and "
                    "Communications Network Utilization and Information Protection, the Personal "
                    "Information Protection Act and Thailand's Personal Data Protection Act."
                )
                % {"site": name}
            ),
            Paragraph(
                _(
                    "With this policy %(site)s tells you for what purposes and in what ways the personal "
                    "data you give us is used, and what measures are taken to protect it."
                )
                % {"site": name}
            ),
        ],
    )


# The seed policy's activities, in its order, with what each purpose is used for.
def _activity_texts(name: str) -> dict[Purpose, tuple[str, list[str]]]:
    return {
        Purpose.MEMBERSHIP: (
            _("Joining and managing membership of %(site)s") % {"site": name},
            [
                _(
                    "Identifying members, checking who you are when you make a request or use our "
                    "services, and sending you notices"
                ),
                _(
                    "Confirming identity and the facts, and keeping the details of how consultations "
                    "and suggestions were handled"
                ),
            ],
        ),
        Purpose.CONTRACT_PAYMENT: (
            _("Service contract and payment"),
            [
                _(
                    "The service contract, confirming the customer's identity, paying fees and payment "
                    "services, refunding the amount of a purchase that is cancelled, and keeping "
                    "electronic financial records"
                ),
            ],
        ),
        Purpose.CONSULTATION: (
            _("Consultation"),
            [
                _(
                    "Confirming your identity during a consultation or advice, contacting and notifying "
                    "you to confirm the facts, telling you how your case is handled, and refunding the "
                    "amount of a purchase that is cancelled"
                ),
            ],
        ),
        Purpose.SECURITY: (
            _("Security, and what is collected automatically as you use the service"),
            [
                _(
                    "Protecting your account and sign-in, preventing fraud and misuse of the service, "
                    "and checking what our staff do with personal data"
                ),
            ],
        ),
    }


def _items(declarations) -> list[Entry]:
    """One entry per category: the records and fields of that category, as the models name them."""
    by_category: dict[Category, dict[str, list[str]]] = {}
    for declaration in declarations:
        records = by_category.setdefault(declaration.category, {})
        record = capfirst(registry.record_name(declaration.model))
        fields = records.setdefault(record, [])
        verbose = declaration.verbose_name
        if verbose not in fields:
            fields.append(verbose)
    return [
        Entry(
            str(category.label),
            "; ".join(f"{record} ({', '.join(fields)})" for record, fields in by_category[category].items()),
        )
        for category in Category
        if category in by_category
    ]


def _collected(name: str) -> Section:
    declarations = registry.declarations()
    blocks: list = [
        Paragraph(
            _(
                "%(site)s collects and uses only the minimum of customer data needed for the purpose "
                "of collecting and using it, through our website, email, online consultation and the "
                "like. The personal data we collect and the purposes of collecting and using it are "
                "as follows."
            )
            % {"site": name}
        )
    ]
    for purpose, (title, uses) in _activity_texts(name).items():
        mine = [d for d in declarations if d.purpose == purpose]
        notes, more, items_title, more_title = [], [], _("Items collected"), ""
        if purpose == Purpose.SECURITY:
            more = [d for d in mine if d.category not in AUTOMATIC]
            mine = [d for d in mine if d.category in AUTOMATIC]
            items_title = _(
                "Collected automatically as you use the service: IP address, date and time of use, "
                "records of use"
            )
            more_title = _("Also kept for security")
        if purpose == Purpose.CONSULTATION:
            notes.append(
                _(
                    "When you consult us or make a suggestion, we may also use the items listed above "
                    "that your question concerns: phone number, email, bank name, account holder, "
                    "account number, billing and payment records, and what you entered when ordering."
                )
            )
        blocks.append(
            Activity(
                key=purpose.value,
                title=title,
                purpose=str(purpose.label),
                items_title=items_title,
                items=_items(mine),
                uses_title=_("Purposes of collecting and using them"),
                uses=uses,
                notes=notes,
                more_title=more_title,
                more_items=_items(more),
            )
        )
    return Section("collected", _("Personal data we collect and why"), blocks)


def period(rule: RetentionRule) -> str:
    """How long a rule keeps its records, from the settings in force."""
    if rule.months is not None:
        if rule.months % 12 == 0:
            years = rule.months // 12
            return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
        return ngettext("%(n)s month", "%(n)s months", rule.months) % {"n": rule.months}
    if rule.days is not None:
        if rule.days == 0:
            return _("Destroyed as soon as its purpose ends")
        return ngettext("%(n)s day", "%(n)s days", rule.days) % {"n": rule.days}
    return _("Until %(event)s") % {"event": rule.until}


def _retention() -> Section:
    kept = RULES["withdrawn_member"]
    return Section(
        "retention",
        _("How long we keep personal data, and how we destroy it"),
        [
            Paragraph(
                _(
                    "In principle, personal data is destroyed without delay once the purpose of "
                    "collecting and using it has been achieved. The following data, however, is kept "
                    "for the periods below, for these reasons."
                )
            ),
            Paragraph(
                _(
                    "A. Kept under our internal policy: even after a member withdraws, their data may be "
                    "kept for up to %(period)s from the end of the contract of use, to stop members who "
                    "broke the rules from using the service fraudulently again, to settle disputes and "
                    "to cooperate with requests from investigating authorities. It is kept apart from "
                    "other data, and only the privacy officer can read it."
                )
                % {"period": period(kept)}
            ),
            Paragraph(
                _(
                    "B. Kept under the laws that apply: where a law such as the Act on Consumer "
                    "Protection in Electronic Commerce requires it, we keep members' data for the period "
                    "that law sets. Every record we hold follows one of these rules:"
                )
            ),
            Table(
                headers=[_("Records"), _("Kept for"), _("Basis")],
                rows=[
                    Row(key, [str(rule.label), period(rule), str(rule.basis)]) for key, rule in RULES.items()
                ],
            ),
            Paragraph(
                _(
                    "When its period ends, a record is deleted, or anonymised so that it no longer names "
                    "anyone, by a job that runs regularly. Records a law or an investigation requires us "
                    "to keep are kept until that requirement ends. We log how many records were "
                    "destroyed and when, never the data itself."
                )
            ),
        ],
    )


def _third_parties(name: str) -> Section:
    return Section(
        "third-parties",
        _("Provision of personal data to third parties"),
        [
            Paragraph(
                _(
                    "%(site)s does not provide personal data to third parties. However, where the "
                    "provisions of the laws and regulations that apply require it, personal data may be "
                    "provided without asking for separate consent."
                )
                % {"site": name}
            ),
            Paragraph(
                _(
                    "Each such provision is recorded: who received the data, the law that required it, "
                    "which data, and when."
                )
            ),
        ],
    )


def _officer(name: str) -> Section:
    return Section(
        "officer",
        _("Privacy officer"),
        [
            Paragraph(
                _(
                    "To protect our customers' personal data and to handle complaints about it, "
                    "%(site)s has a person responsible for managing personal data. If you have any "
                    "question about your personal data, please contact the person below. We will "
                    "answer your questions quickly and sincerely."
                )
                % {"site": name}
            ),
            Contact(
                name_label=_("Name"),
                name=settings.PRIVACY_OFFICER_NAME,
                email_label=_("Email"),
                email=settings.PRIVACY_OFFICER_EMAIL,
            ),
        ],
    )


def _rights() -> Section:
    return Section(
        "rights",
        _("How to view, correct, delete or suspend the processing of your personal data"),
        [
            Paragraph(
                _(
                    "You can ask at any time to view, correct or delete your registered personal data, "
                    "or to stop its processing. Use the privacy menu of your account; we act without "
                    "delay once we have verified that it is you."
                )
            ),
            Link(_("Your personal data"), reverse("privacy_member:overview")),
            Paragraph(
                _(
                    "If you ask us to correct an error in your personal data, that data is not used or "
                    "provided until the correction is done. If wrong personal data has already been "
                    "provided to a third party, we tell them the result of the correction without delay "
                    "so that they can correct it too."
                )
            ),
            Bullets(
                title=_("Viewing, deletion and suspension of processing may, however, be limited when:"),
                items=[str(ground.label) for ground in RefusalGround],
            ),
        ],
    )


def _cookies(name: str) -> Section:
    cookies = declared_cookies()
    return Section(
        "cookies",
        _("Cookies"),
        [
            Paragraph(
                _(
                    "%(site)s uses cookies for the convenience of visitors. A cookie is a small text file "
                    "that a website sends to your web browser and that is stored on your computer or "
                    "phone."
                )
                % {"site": name}
            ),
            Bullets(
                title=_("Besides the cookies the site needs to work, %(site)s uses cookies only to:")
                % {"site": name},
                items=[
                    _("① remember the language you use"),
                    _("② remember whether you asked not to see a popup announcement again"),
                ],
            ),
            Table(
                headers=[_("Cookie"), _("Why"), _("How long"), _("Needed")],
                rows=[
                    Row(
                        cookie.name,
                        [
                            cookie.name,
                            str(cookie.purpose),
                            str(cookie.lifetime),
                            _("Yes: the site cannot work without it")
                            if cookie.essential
                            else _("No: only remembers your choice"),
                        ],
                    )
                    for cookie in cookies
                ],
            ),
            Paragraph(
                _(
                    "You choose whether cookies are stored: in your web browser's settings you can "
                    "accept all cookies, be asked each time a cookie is stored, or refuse all cookies. "
                    "The same settings show the cookies you have received and let you delete them. If "
                    "you refuse cookies, however, the service will be limited."
                )
            ),
            Paragraph(
                _(
                    "On our cookies page you can also refuse the two optional cookies with one button: "
                    "we then take your language from your browser (or your account) and show "
                    "announcements each time."
                )
            ),
            Link(_("Accept or refuse our optional cookies"), reverse("privacy:cookies")),
        ],
    )


def _measures(name: str) -> Section:
    return Section(
        "measures",
        _("Technical and managerial measures to protect personal data"),
        [
            Bullets(
                title=_(
                    "1) Technical measures. So that personal data is not lost, stolen, leaked, altered "
                    "or damaged, %(site)s takes these technical measures:"
                )
                % {"site": name},
                items=[
                    _(
                        "① Your personal data is protected by your password, and important data is "
                        "protected by separate security functions: it is encrypted in files and when it "
                        "is sent."
                    ),
                    _(
                        '② %(site)s uses virus protection ("vaccine") software against damage from '
                        "computer viruses. It is updated regularly, and when a new virus appears it is "
                        "applied at once so that personal data is not harmed."
                    )
                    % {"site": name},
                    _("③ %(site)s sends personal data over networks safely, using encryption algorithms.")
                    % {"site": name},
                    _(
                        "④ Against intrusions from outside, such as hacking, we use intrusion prevention "
                        "and analyse our servers for vulnerabilities."
                    ),
                ],
            ),
            Bullets(
                title=_("2) Managerial measures."),
                items=[
                    _(
                        "① %(site)s limits access to customers' personal data to the fewest people: "
                        "(a) those who deal with customers directly for marketing; (b) those responsible "
                        "for managing personal data, such as the privacy officer, and others who must "
                        "handle personal data for their work."
                    )
                    % {"site": name},
                    _(
                        "② Staff who handle personal data are trained regularly, inside and outside the "
                        "company, in new security technology and their duty to protect personal data."
                    ),
                    _(
                        "③ Every staff member signs a security pledge on joining, and internal procedures "
                        "check that staff follow this policy, to prevent leaks caused by people."
                    ),
                    _(
                        "④ When staff join or leave, the handing over of work involving personal data is "
                        "done thoroughly and securely, and responsibility for personal data incidents is "
                        "made clear."
                    ),
                    _(
                        "⑤ If personal data is lost, leaked, altered or damaged through a mistake of our "
                        "staff or a technical accident, %(site)s tells the customers concerned at once and "
                        "sets suitable measures and compensation. We are not responsible, however, for "
                        "harm caused by a customer's own mistake or by risks inherent in the internet."
                    )
                    % {"site": name},
                ],
            ),
        ],
    )


def _changes() -> Section:
    days = settings.POLICY_NOTICE_DAYS
    return Section(
        "changes",
        _("Notice of changes to this policy"),
        [
            Paragraph(
                _(
                    "This policy may be added to, reduced or corrected when laws, government policy or "
                    "security technology change, or for other reasons. We will tell you the reasons for "
                    "and the content of each change."
                )
            ),
            Paragraph(
                ngettext(
                    "A new version is announced on this site and by email to members at least %(days)s "
                    "day before it takes effect. Earlier versions stay readable.",
                    "A new version is announced on this site and by email to members at least %(days)s "
                    "days before it takes effect. Earlier versions stay readable.",
                    days,
                )
                % {"days": days}
            ),
            Link(_("Earlier versions and their changes"), reverse("privacy:versions")),
        ],
    )


def _line() -> Section:
    return Section(
        "line",
        _("Real-time customer service on LINE"),
        [
            Paragraph(
                _(
                    "Press the green button and you are connected automatically to a consultation on "
                    "LINE, 24 hours a day."
                )
            ),
            Link(_("Chat with us on LINE"), settings.LINE_OFFICIAL_ACCOUNT_URL, line=True),
        ],
    )
