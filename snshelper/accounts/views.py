from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from snshelper.accounts import selectors, services
from snshelper.accounts.forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            member=request.user, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"]
        )
        messages.success(request, _("Your details were saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def sign_ins(request):
    records = selectors.recent_sign_ins(member=request.user)
    return render(request, "accounts/sign_ins.html", {"records": records})
