from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "snshelper.wallet"
    label = "wallet"
    verbose_name = "Wallet"
