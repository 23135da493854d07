from django.urls import path

from snshelper.wallet import views

app_name = "wallet"
urlpatterns = [
    path("", views.home, name="home"),
    path("top-up/promptpay/", views.top_up_promptpay, name="top_up_promptpay"),
    path("top-up/bank-transfer/", views.top_up_bank, name="top_up_bank"),
    path("top-ups/<str:reference>/", views.top_up, name="top_up"),
    path("top-ups/<str:reference>/paid/", views.mark_paid, name="mark_paid"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("staff/withdrawals/", views.staff_withdrawals, name="staff_withdrawals"),
    path("staff/withdrawals/<int:pk>/", views.staff_withdrawal, name="staff_withdrawal"),
    path("staff/top-ups/", views.staff_top_ups, name="staff_top_ups"),
    path("staff/adjust/", views.staff_adjust, name="staff_adjust"),
    path("staff/top-ups/<int:pk>/approve/", views.staff_approve, name="staff_approve"),
    path("staff/top-ups/<int:pk>/reject/", views.staff_reject, name="staff_reject"),
    path("staff/top-ups/<int:pk>/slip/", views.staff_slip, name="staff_slip"),
]
