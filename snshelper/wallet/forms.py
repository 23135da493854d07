from django import forms
from django.utils.translation import gettext_lazy as _

from snshelper.core import parse
from snshelper.core.form_fields import AmountField, LocalDateTimeField, WholeNumberField
from snshelper.wallet import services


class PromptPayForm(forms.Form):
    amount = AmountField(label=_("Amount (THB)"))


class BankTransferForm(forms.Form):
    bank_account = forms.ChoiceField(label=_("Our account you transferred to"), widget=forms.RadioSelect)
    amount = AmountField(label=_("Amount transferred (THB)"))
    transferred_at = LocalDateTimeField(label=_("Transfer date and time"))
    payer_name = forms.CharField(label=_("Name on the account you paid from"), max_length=150)
    payer_bank = forms.CharField(label=_("Your bank"), max_length=100, required=False)
    slip = forms.FileField(
        label=_("Transfer slip"),
        help_text=_("A photo or screenshot (JPEG or PNG) or a PDF, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].choices = [
            (a["key"], f"{a['bank']} · {a['number']} · {a['name']}") for a in services.bank_accounts()
        ]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason the member will see"), max_length=300)


class WithdrawalForm(forms.Form):
    bank_name = forms.CharField(label=_("Bank"), max_length=100)
    account_holder = forms.CharField(label=_("Account holder's name"), max_length=150)
    account_number = forms.CharField(
        label=_("Account number"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    amount = AmountField(label=_("Amount to withdraw (THB)"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput)


class WithdrawalDecisionForm(forms.Form):
    """Finance pays a withdrawal (``action=pay``, with the bank's reference) or rejects it (with a
    reason the member sees); the service says what each must have."""

    action = forms.CharField(required=False)
    payout_reference = forms.CharField(label=_("Bank transfer reference"), required=False, strip=False)
    reason = forms.CharField(label=_("Reason the member will see"), required=False, strip=False)


class RevealForm(forms.Form):
    """Staff reveal one masked record of a list for this response only: which one, and why (the
    reveal is logged; ``staff.reveals`` says what a reason must be)."""

    reason = forms.CharField(required=False, strip=False)

    def __init__(self, data, *, record_field: str):
        super().__init__(data)
        self.record_field = record_field
        self.fields[record_field] = WholeNumberField(max_value=parse.LARGEST_ID)

    def record_id(self) -> int | None:
        """The id of the record asked for, or None when none is (or it is no id)."""
        return self.cleaned_data.get(self.record_field) if self.is_valid() else None


class AdjustmentForm(forms.Form):
    member_id = forms.CharField(label=_("Member ID"), max_length=16, help_text=_("For example SH-7K3Q9X2P."))
    amount = AmountField(
        signed=True,
        label=_("Amount (THB)"),
        help_text=_("Positive to credit, negative (e.g. -50) to debit."),
        widget=forms.TextInput(attrs={"maxlength": "20"}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("Bonus, correction, transfer found later...")
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
