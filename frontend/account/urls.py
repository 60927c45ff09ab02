"""Buyer accounts, included at /account/ in the ``frontend`` namespace (names ``account_*``)."""

from django.urls import path

from frontend.account import members, organization, password, views

urlpatterns = [
    path("", views.home, name="account_home"),
    path("register/", views.register, name="account_register"),
    path("status/", views.status, name="account_status"),
    path("switch/", views.switch, name="account_switch"),
    path("members/", members.members, name="account_members"),
    path("members/<int:pk>/role/", members.member_role, name="account_member_role"),
    path("members/<int:pk>/remove/", members.member_delete, name="account_member_remove"),
    path("invitations/<int:pk>/withdraw/", members.invitation_withdraw, name="account_invitation_withdraw"),
    path("invite/<str:token>/", members.invitation, name="account_invitation"),
    path("organization/", organization.organization, name="account_organization"),
    path("organization/addresses/new/", organization.address_edit, name="account_address_add"),
    path("organization/addresses/<int:pk>/", organization.address_edit, name="account_address_edit"),
    path("organization/addresses/<int:pk>/delete/", organization.address_remove, name="account_address_delete"),
    path("organization/addresses/<int:pk>/default/", organization.address_default, name="account_address_default"),
    path("password-reset/", password.password_reset, name="account_password_reset"),
    path("password-reset/sent/", password.password_reset_done, name="account_password_reset_done"),
    path("password-reset/done/", password.password_reset_complete, name="account_password_reset_complete"),
    path("password-reset/<uidb64>/<token>/", password.password_reset_confirm, name="account_password_reset_confirm"),
]
