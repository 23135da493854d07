"""The privacy policy, generated: what we collect and why from the registry, how long we keep it
from the retention rules, who receives what from the recipients' declarations, the cookies from
theirs, the officer from settings. The prose says what the business's Thai policy says
(``policy/privacy-policy-th.txt``, kept as first written).

``build(language, facts)`` gives the policy as sections of blocks; the page renders them, and
``render_text(language)`` writes the same blocks as plain text: what a published version keeps
(``versions.py``) and what the diff between versions compares. What the settings promise (periods,
officer, cookies, recipients, deadlines) comes from ``facts``: the published version's on the page,
what runs when a version is prepared (``policy.facts``). Adding a field to the registry changes both
without touching a template.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from snshelper.privacy import registry, restrictions
from snshelper.privacy.models import RefusalGround
from snshelper.privacy.registry import Category, Purpose
from snshelper.privacy.retention import RULES, RetentionRule
from snshelper.privacy_rights.policy.facts import Facts

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
    title: str  # the seed's "privacy officer and the person in charge" table
    role: str
    name_label: str
    name: str
    email_label: str
    email: str

    def lines(self) -> list[str]:
        return [self.title, self.role, f"{self.name_label}: {self.name}", f"{self.email_label}: {self.email}"]


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


def build(language: str, facts: Facts | None = None) -> Policy:
    """The policy in ``language``, promising ``facts`` (a version's; by default what runs now)."""
    facts = facts or Facts()
    with translation.override(language):
        name = settings.SITE_NAME
        return Policy(
            language=language,
            title=_("%(site)s privacy policy") % {"site": name},
            sections=[
                _introduction(name),
                _collected(name),
                _retention(facts),
                _third_parties(name, facts),
                _officer(name, facts),
                _rights(facts),
                _cookies(name, facts),
                _measures(name),
                _changes(facts),
                _line(),
            ],
        )


def render_text(language: str, facts: Facts | None = None) -> str:
    """The whole policy as plain text: what a version keeps and what diffs compare."""
    return build(language, facts).text()


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


def _months_or_years(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}


def period(rule: RetentionRule, facts: Facts) -> str:
    """How long a rule keeps its records, as ``facts`` (a version's settings) say."""
    if rule.key == "exports":  # counted from the link's expiry, which the copy's lifetime sets
        days = facts["PRIVACY_EXPORT_DAYS"] + (facts.days(rule) or 0)
        return ngettext(
            "%(n)s day after the copy is ready: destroyed when its link expires",
            "%(n)s days after the copy is ready: destroyed when its link expires",
            days,
        ) % {"n": days}
    months, days = facts.months(rule), facts.days(rule)
    if months is not None:
        return _months_or_years(months)
    if days is not None:
        if days == 0:
            return _("Destroyed as soon as its purpose ends")
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    return _("Until %(event)s") % {"event": rule.until}


def _retention(facts: Facts) -> Section:
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
                % {"period": period(kept, facts)}
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
                    Row(key, [str(rule.label), period(rule, facts), str(rule.basis)])
                    for key, rule in RULES.items()
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
            Paragraph(
                _(
                    "What stays behind after destruction: in the database files, the space a destroyed "
                    "record held is released for reuse within minutes and is overwritten by new data "
                    "as the service runs; until then it is protected like everything we hold, on "
                    "encrypted storage, and phone numbers, bank details and keys were encrypted "
                    "field by field before they were stored. Backups are encrypted and kept only as "
                    "long as needed to recover from a failure; if one must be restored, every "
                    "destruction made since it was taken is carried out again before the service "
                    "reopens, from a separate journal that records which records were destroyed "
                    "without their content."
                )
            ),
        ],
    )


def _third_parties(name: str, facts: Facts) -> Section:
    recipients = facts.recipients()
    return Section(
        "third-parties",
        _("Provision of personal data to third parties, and those who process it for us"),
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
            Paragraph(
                _(
                    "To deliver the service, %(site)s entrusts some processing to the recipients below, "
                    "under contract. Each receives only what is listed, for that purpose alone, and no "
                    "one else receives personal data from us by contract or entrustment."
                )
                % {"site": name}
            ),
            Table(
                headers=[_("Recipient"), _("What it receives"), _("Why"), _("Legal ground")],
                rows=[
                    Row(
                        recipient.key,
                        [
                            f"{recipient.name} ({detail})" if detail else str(recipient.name),
                            str(recipient.items),
                            str(recipient.purpose),
                            str(recipient.ground),
                        ],
                    )
                    for recipient, detail in recipients
                ],
            ),
        ],
    )


def _officer(name: str, facts: Facts) -> Section:
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
                title=_("The privacy officer and the person in charge"),
                role=_("Privacy officer"),
                name_label=_("Name"),
                name=facts["PRIVACY_OFFICER_NAME"],
                email_label=_("Email"),
                email=facts["PRIVACY_OFFICER_EMAIL"],
            ),
            Paragraph(
                ngettext(
                    "You can also write to the privacy officer from your account. Questions, "
                    "complaints and requests are answered within %(days)s day.",
                    "You can also write to the privacy officer from your account. Questions, "
                    "complaints and requests are answered within %(days)s days.",
                    facts["PRIVACY_ANSWER_DAYS"],
                )
                % {"days": facts["PRIVACY_ANSWER_DAYS"]}
            ),
        ],
    )


def _rights(facts: Facts) -> Section:
    export_days = facts["PRIVACY_EXPORT_DAYS"]
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
                ngettext(
                    "To view your data, you get a copy of it: a file and a page to read, behind a link "
                    "that works for %(days)s day after the copy is ready. When the link expires, the "
                    "copy is destroyed at once.",
                    "To view your data, you get a copy of it: a file and a page to read, behind a link "
                    "that works for %(days)s days after the copy is ready. When the link expires, the "
                    "copy is destroyed at once.",
                    export_days,
                )
                % {"days": export_days}
            ),
            Paragraph(
                _(
                    "If you ask us to correct an error in your personal data, that data is not used or "
                    "provided until the correction is done. If wrong personal data has already been "
                    "provided to a third party, we tell them the result of the correction without delay "
                    "so that they can correct it too. This holds however the data is corrected: by you "
                    "on your account pages, by our staff, or at your request."
                )
            ),
            Bullets(
                title=_("While the processing of your data is stopped at your request, we stop:"),
                items=[str(item) for item in restrictions.STOPPED_WHILE_SUSPENDED],
            ),
            Bullets(
                title=_("and we go on only with what the law or your orders require:"),
                items=[str(item) for item in restrictions.GOES_ON_WHILE_SUSPENDED],
            ),
            Paragraph(
                _(
                    "You can resume the processing at any time from your account; orders that "
                    "waited then go ahead within the hour."
                )
            ),
            Bullets(
                title=_("Viewing, deletion and suspension of processing may, however, be limited when:"),
                items=[str(ground.label) for ground in RefusalGround],
            ),
        ],
    )


def _browsers() -> list[Bullets]:
    """The seed's "how to accept or refuse cookies, and see those received" for Internet
    Explorer, written for the browsers people use today."""
    return [
        Bullets(
            title=_("How to choose whether cookies are stored, and to see or delete them:"),
            items=[
                _(
                    "Chrome (computer and Android): menu ⋮ › Settings › Privacy and security › Third-party "
                    "cookies, or Site settings › On-device site data, to choose; Privacy and security › "
                    "Delete browsing data › Cookies and other site data to delete them. To see them: "
                    "Site settings › View permissions and data stored across sites."
                ),
                _(
                    "Safari (iPhone and iPad): the Settings app › Apps › Safari (on older systems, "
                    "Settings › Safari) › Block All Cookies to refuse; Advanced › Website Data to see "
                    "and delete them."
                ),
                _(
                    "Safari (Mac): Safari › Settings › Privacy › Block all cookies to refuse; Manage "
                    "Website Data to see and delete them."
                ),
                _(
                    "Microsoft Edge: menu … › Settings › Privacy, search, and services (or Cookies and "
                    "site permissions) › Manage and delete cookies and site data, to choose and to see "
                    "all cookies and site data."
                ),
                _(
                    "Firefox: menu ☰ › Settings › Privacy & Security › Enhanced Tracking Protection "
                    "(Custom › Cookies) to choose; Cookies and Site Data › Manage Data to see and "
                    "delete them."
                ),
                _(
                    "Samsung Internet: menu ≡ › Settings › Browsing privacy dashboard › Block cookies "
                    "to choose; Delete browsing data to delete them."
                ),
                _(
                    "The LINE app's browser keeps its own cookies: open the page in your phone's "
                    "browser (menu › Open in other browser) to use the settings above."
                ),
            ],
        ),
        Paragraph(
            _("Menus differ a little between versions; your browser's help describes them under “cookies”.")
        ),
    ]


def _cookies(name: str, facts: Facts) -> Section:
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
                    for cookie in facts.cookies()
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
            *_browsers(),
            Paragraph(
                _(
                    "On our cookies page you can also refuse the two optional cookies with one button: "
                    "we then take your language from your browser (or your account) and remember an "
                    "announcement you closed only until you close the browser (or on your account)."
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
                    _(
                        "③ %(site)s uses security devices that send personal data over networks safely "
                        "with encryption algorithms: every page and every call to our providers goes "
                        "over HTTPS (TLS), and browsers are told to use nothing else."
                    )
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


def _changes(facts: Facts) -> Section:
    days = facts["POLICY_NOTICE_DAYS"]
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
