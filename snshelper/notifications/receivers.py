"""Linking a LINE account is the member's opt-in to LINE notices; unlinking ends them."""

from allauth.socialaccount.signals import social_account_added
from django.dispatch import receiver

from snshelper.notifications import channels, selectors, services


@receiver(social_account_added)
def line_linked(sender, request, sociallogin, **kwargs):
    if sociallogin.account.provider == channels.LINE_PROVIDER:
        choice = selectors.channel_choice(sociallogin.user)
        services.choose_channels(
            member=sociallogin.user, email=choice.email, line=True, order_updates=choice.order_updates
        )
