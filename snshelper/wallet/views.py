import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from snshelper.accounts import selectors as account_selectors
from snshelper.core import qr
from snshelper.core.form_fields import first_error
from snshelper.core.network import client_ip
from snshelper.core.uploads import UploadRefused
from snshelper.staff import reveals
from snshelper.staff.access import staff_page
from snshelper.staff.roles import FINANCE
from snshelper.wallet import selectors, services
from snshelper.wallet.errors import WalletError
from snshelper.wallet.forms import (
    AdjustmentForm,
    BankTransferForm,
    PromptPayForm,
    RejectForm,
    RevealForm,
    WithdrawalDecisionForm,
    WithdrawalForm,
)
from snshelper.wallet.models import RefundBankAccount, TopUp, Withdrawal


@login_required
def home(request):
    return render(
        request,
        "wallet/home.html",
        {
            "balance": selectors.balance(request.user),
            "top_ups": selectors.top_ups_for(request.user),
            "entries": selectors.statement(request.user)[:30],
            "withdrawals": selectors.withdrawals_for(request.user),
        },
    )


@login_required
def top_up_promptpay(request):
    form = PromptPayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            top_up = services.create_promptpay_top_up(member=request.user, amount=form.cleaned_data["amount"])
        except WalletError as error:
            form.add_error("amount", str(error.message))
        else:
            return redirect("wallet:top_up", reference=top_up.reference)
    return render(request, "wallet/top_up_promptpay.html", {"form": form})


@login_required
def top_up_bank(request):
    form = BankTransferForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            top_up = services.create_bank_transfer_top_up(member=request.user, **form.cleaned_data)
        except UploadRefused as error:
            form.add_error("slip", str(error.message))
        except WalletError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Thank you. Our finance team will check your transfer."))
            return redirect("wallet:top_up", reference=top_up.reference)
    return render(request, "wallet/top_up_bank.html", {"form": form, "accounts": services.bank_accounts()})


@login_required
def top_up(request, reference):
    top_up = selectors.top_up_for(request.user, reference)
    if top_up is None:
        raise Http404
    code = ""
    if top_up.status == TopUp.Status.AWAITING_PAYMENT:
        code = qr.svg(top_up.promptpay_payload)
    return render(request, "wallet/top_up.html", {"top_up": top_up, "qr": code})


@login_required
@require_POST
def mark_paid(request, reference):
    top_up = selectors.top_up_for(request.user, reference)
    if top_up is None:
        raise Http404
    try:
        services.mark_paid(top_up=top_up, member=request.user)
        messages.success(request, _("Thank you. Our finance team will confirm your payment."))
    except WalletError as error:
        messages.error(request, str(error.message))
    return redirect("wallet:top_up", reference=reference)


@staff_page(FINANCE)
def staff_top_ups(request):
    """Payer names are masked; a POST with a reason reveals one top-up's for this response only
    (the reveal is logged, P16)."""
    top_ups = list(selectors.top_ups_to_review())
    revealed = _reveal(request, top_ups, "top_up", ("wallet.TopUp.payer_name",))
    for top_up in top_ups:
        top_up.revealed = revealed.get(top_up.pk)
    return render(
        request,
        "wallet/staff_top_ups.html",
        {
            "top_ups": top_ups,
            "reject_form": RejectForm(),
            "accounts": {a["key"]: a for a in services.bank_accounts()},
        },
    )


def _reveal(request, records: list, key: str, fields: tuple[str, ...]) -> dict:
    """On a POST naming one of ``records`` and a reason: its ``fields`` in clear, each reveal logged."""

    if request.method != "POST":
        return {}
    form = RevealForm(request.POST, record_field=key)
    record_id = form.record_id()
    record = next((r for r in records if r.pk == record_id), None)
    if record is None:
        raise Http404
    try:
        return {
            record.pk: reveals.reveal_many(
                staff=request.user,
                member=record.member,
                asks=[(field.rpartition(".")[2], field, record) for field in fields],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        }
    except reveals.RevealRefused as error:
        messages.error(request, str(error.message))
        return {}


@staff_page(FINANCE)
@require_POST
def staff_approve(request, pk):
    top_up = get_object_or_404(TopUp, pk=pk)
    try:
        services.approve_top_up(top_up=top_up, by=request.user)
        messages.success(
            request,
            _("%(reference)s approved: the member's balance was credited.") % {"reference": top_up.reference},
        )
    except WalletError as error:
        messages.error(request, str(error.message))
    return redirect("wallet:staff_top_ups")


@staff_page(FINANCE)
@require_POST
def staff_reject(request, pk):
    top_up = get_object_or_404(TopUp, pk=pk)
    form = RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise WalletError(_("Give the member a reason."))
        services.reject_top_up(top_up=top_up, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("%(reference)s rejected.") % {"reference": top_up.reference})
    except WalletError as error:
        messages.error(request, str(error.message))
    return redirect("wallet:staff_top_ups")


@staff_page(FINANCE)
def staff_slip(request, pk):
    """Slips are served only to finance staff, never from a public URL."""
    top_up = get_object_or_404(TopUp, pk=pk)
    if not top_up.slip:
        raise Http404
    return FileResponse(
        top_up.slip.open("rb"), content_type=top_up.slip_content_type, filename=f"{top_up.reference}-slip"
    )


@login_required
def withdraw(request):
    saved = RefundBankAccount.objects.filter(member=request.user).first()
    initial = {"idempotency_key": uuid.uuid4().hex}
    if saved:
        initial.update(bank_name=saved.bank_name, account_holder=saved.account_holder)
    form = WithdrawalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a refused withdrawal leaves the saved account unchanged
                services.save_refund_account(
                    member=request.user,
                    bank_name=data["bank_name"],
                    account_holder=data["account_holder"],
                    account_number=data["account_number"],
                )
                withdrawal = services.request_withdrawal(
                    member=request.user, amount=data["amount"], idempotency_key=data["idempotency_key"]
                )
        except WalletError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("Withdrawal %(reference)s requested: our finance team will pay it.")
                % {"reference": withdrawal.reference},
            )
            return redirect("wallet:home")
    return render(
        request,
        "wallet/withdraw.html",
        {"form": form, "saved": saved, "balance": selectors.balance(request.user)},
    )


REVEALED_BANK_FIELDS = ("wallet.Withdrawal.account_holder", "wallet.Withdrawal.account_number")


@staff_page(FINANCE)
def staff_withdrawals(request):
    """Bank details are masked; a POST with a reason reveals one withdrawal's for this response only
    (each field revealed is logged, P16)."""
    withdrawals = list(selectors.withdrawals_to_pay())
    revealed = _reveal(request, withdrawals, "withdrawal", REVEALED_BANK_FIELDS)
    for withdrawal in withdrawals:
        withdrawal.revealed = revealed.get(withdrawal.pk)
    return render(request, "wallet/staff_withdrawals.html", {"withdrawals": withdrawals})


@staff_page(FINANCE)
@require_POST
def staff_withdrawal(request, pk):
    withdrawal = get_object_or_404(Withdrawal, pk=pk)
    form = WithdrawalDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise WalletError(first_error(form))
        decision = form.cleaned_data
        if decision["action"] == "pay":
            services.pay_withdrawal(
                withdrawal=withdrawal, by=request.user, payout_reference=decision["payout_reference"]
            )
            messages.success(request, _("%(reference)s marked paid.") % {"reference": withdrawal.reference})
        else:
            services.reject_withdrawal(withdrawal=withdrawal, by=request.user, reason=decision["reason"])
            messages.success(request, _("%(reference)s rejected.") % {"reference": withdrawal.reference})
    except WalletError as error:
        messages.error(request, str(error.message))
    return redirect("wallet:staff_withdrawals")


@staff_page(FINANCE)
def staff_adjust(request):
    form = AdjustmentForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = account_selectors.member_by_member_id(data["member_id"])
            if member is None:
                raise WalletError(_("No member has this member ID."))
            amount = data["amount"]
            services.adjust_balance(
                member=member,
                amount=amount,
                reason=data["reason"],
                by=request.user,
                idempotency_key=f"adjust:{data['idempotency_key']}",
            )
        except WalletError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request,
                _("%(member)s adjusted by %(amount)s THB.")
                % {"member": member.member_id, "amount": f"{amount:+,.2f}"},
            )
            return redirect("wallet:staff_adjust")
    return render(request, "wallet/staff_adjust.html", {"form": form})
