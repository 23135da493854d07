"""LINE Login links a member's LINE account for notices, and only that: opt-in from the notice
settings page, no sign-up through LINE, nothing of LINE's profile kept but the user ID."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.signals import social_account_added
from django.test import RequestFactory

from snshelper.notifications import selectors
from snshelper.notifications.line_login import SocialAccountAdapter
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def line_configured(settings):
    settings.LINE_CHANNEL_ACCESS_TOKEN = "channel-token"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "line": {
            "SCOPE": ["profile", "openid"],
            "APPS": [{"client_id": "1650000000", "secret": "s", "key": ""}],
        }
    }


def test_the_settings_page_offers_to_link_line_and_linking_starts_line_login(client, member, line_configured):
    client.login(email=member.email, password=PASSWORD)
    page = client.get("/notifications/settings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="link-line"' in page and 'name="process" value="connect"' in page
    response = client.post(
        "/accounts/line/login/", {"process": "connect", "next": "/notifications/settings/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("https://access.line.me/oauth2/v2.1/authorize")
    assert "client_id=1650000000" in response["Location"] and "state=" in response["Location"]


def test_without_a_line_channel_the_page_says_line_notices_are_not_offered(client, member):
    client.login(email=member.email, password=PASSWORD)
    page = client.get("/notifications/settings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="link-line"' not in page and "By LINE" not in page


def test_nobody_signs_up_with_line_and_only_the_user_id_is_kept(member):
    adapter = SocialAccountAdapter()
    request = RequestFactory().get("/")
    account = SocialAccount(
        provider="line", uid="U1234", extra_data={"displayName": "Somchai", "pictureUrl": "x"}
    )
    sociallogin = SocialLogin(account=account)
    assert adapter.is_open_for_signup(request, sociallogin) is False
    adapter.pre_social_login(request, sociallogin)
    assert sociallogin.account.extra_data == {} and sociallogin.token is None


def test_linking_line_turns_line_notices_on_and_shows_as_linked(client, member, line_configured):
    from snshelper.notifications import services

    services.choose_channels(member=member, email=True, line=False)
    account = SocialAccount.objects.create(user=member, provider="line", uid="U1234", extra_data={})
    social_account_added.send(
        sender=SocialLogin, request=None, sociallogin=SocialLogin(user=member, account=account)
    )
    assert selectors.channel_choice(member).line is True
    client.login(email=member.email, password=PASSWORD)
    page = client.get("/notifications/settings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="line-linked"' in page
