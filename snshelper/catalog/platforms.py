"""The platforms we serve and the rule an order's link (or account ID) must fit.

Installed by migration 0002 and re-applied by ``install_default_platforms`` (idempotent), which
takes the model class so a migration can pass its historical model.
"""

ACCOUNT_ID = r"@?[A-Za-z0-9_.]{1,30}"
DEFAULT_PLATFORMS = [
    ("instagram", "Instagram", r"https?://(www\.)?(instagram\.com|instagr\.am)/[^\s]+", ACCOUNT_ID),
    (
        "facebook",
        "Facebook",
        r"https?://((www|m|web|business)\.)?(facebook\.com|fb\.com|fb\.watch)/[^\s]+",
        "",
    ),
    ("tiktok", "TikTok", r"https?://((www|vm|vt|m)\.)?tiktok\.com/[^\s]+", ACCOUNT_ID),
    (
        "youtube",
        "YouTube",
        r"https?://((www|m|music)\.)?(youtube\.com|youtu\.be)/[^\s]+",
        r"@[A-Za-z0-9_.\-]{3,30}",
    ),
    ("x", "X", r"https?://((www|mobile)\.)?(x\.com|twitter\.com)/[^\s]+", r"@?[A-Za-z0-9_]{1,15}"),
    (
        "line",
        "LINE",
        r"https?://(line\.me|lin\.ee|page\.line\.me|timeline\.line\.me|linevoom\.line\.me|liff\.line\.me)/[^\s]+",
        r"@[a-z0-9_.\-]{3,20}",
    ),
]


def install_default_platforms(platform_model) -> None:
    for order, (code, name, link, account) in enumerate(DEFAULT_PLATFORMS):
        platform_model.objects.get_or_create(
            code=code,
            defaults={
                "name_th": name,
                "name_en": name,
                "name_ko": name,
                "link_pattern": link,
                "account_pattern": account,
                "sort_order": order,
            },
        )
