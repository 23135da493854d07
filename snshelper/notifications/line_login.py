"""LINE Login through allauth, for one thing only: a member links their LINE account so notices can
reach them by LINE push. Nobody signs up with LINE (sign-up asks name, email and password only), and
of LINE's profile we keep the user ID alone (minimum data, P1)."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        sociallogin.account.extra_data = {}
        sociallogin.token = None
