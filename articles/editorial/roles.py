"""The newsroom's two roles and the permissions each one holds."""

REPORTER = "Reporter"
EDITOR = "Editor"

REPORTER_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "view_correction"),
    ("articles", "view_author"),
    ("articles", "add_author"),
    ("articles", "view_country"),
    ("articles", "view_minister"),
    ("articles", "add_minister"),
    ("articles", "view_policy"),
    ("articles", "add_policy"),
    # The image library (articles.admin.images): upload and describe pictures.
    ("articles", "view_image"),
    ("articles", "add_image"),
    ("articles", "change_image"),
]

EDITOR_PERMISSIONS = REPORTER_PERMISSIONS + [
    ("articles", "delete_article"),
    ("articles", "publish_article"),
    ("articles", "edit_any_article"),
    ("articles", "add_correction"),
    ("articles", "change_correction"),
    ("articles", "delete_correction"),
    ("articles", "change_author"),
    ("articles", "delete_author"),
    ("articles", "change_country"),
    ("articles", "change_minister"),
    ("articles", "delete_minister"),
    ("articles", "change_policy"),
    ("articles", "delete_policy"),
    ("articles", "delete_image"),
    # Staff sign-in (articles.accounts): see lockouts and unlock a colleague by deleting
    # the attempts; reset a colleague's two-factor, which deletes their devices.
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
    ("axes", "view_accessfailurelog"),
    ("otp_totp", "delete_totpdevice"),
    ("otp_static", "delete_staticdevice"),
    # The newsroom's people (articles.admin.people): invite, change a role, deactivate.
    ("articles", "view_person"),
    ("articles", "add_person"),
    ("articles", "change_person"),
    # Read API tokens (articles.admin.api_tokens): issue and revoke.
    ("articles", "view_apitoken"),
    ("articles", "add_apitoken"),
    ("articles", "change_apitoken"),
]

ROLES = {REPORTER: REPORTER_PERMISSIONS, EDITOR: EDITOR_PERMISSIONS}


def install_roles(group_model, permission_model):
    """Create the groups with exactly their permissions (the models may be a migration's).

    On a new database 0003_roles may run before a model has its table (and so its
    permissions): another app's (the sign-in apps) or a later one of ours (Person). Those
    are left to the later migration that creates or depends on them and runs this again
    (0007_security_roles, 0011_people_person).
    """
    existing = {
        (app, codename): pk
        for pk, app, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename")
    }
    for role, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set([existing[key] for key in codenames if key in existing])
