"""Account pages, added to the admin site's own URLs (articles.admin.site)."""

from django.urls import path

from articles.accounts import views


def account_urls(site):
    wrap = site.admin_view
    return [
        path("account/", wrap(views.account), name="account"),
        path("account/two-factor/verify/", wrap(views.verify), name="account-verify"),
        path("account/two-factor/setup/", wrap(views.setup), name="account-setup"),
        path("account/two-factor/backup-codes/", wrap(views.backup_codes),
             name="account-backup-codes"),
        path("account/two-factor/backup-codes/new/", wrap(views.new_backup_codes),
             name="account-new-backup-codes"),
        path("account/sessions/end-others/", wrap(views.end_other_sessions),
             name="account-end-other-sessions"),
        path("account/staff/", wrap(views.staff), name="account-staff"),
        path("account/staff/<int:user_id>/reset-two-factor/", wrap(views.reset_two_factor),
             name="account-reset-two-factor"),
        # Opened signed out, from an invitation: the token in the address is the key.
        path("account/welcome/<uidb64>/<token>/", views.SetPasswordView.as_view(),
             name="account-welcome"),
        path("account/welcome/done/", views.password_set, name="account-password-set"),
    ]
