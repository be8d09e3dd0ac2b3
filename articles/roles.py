"""The newsroom's two roles and the permissions each one holds."""

REPORTER = "Reporter"
EDITOR = "Editor"

REPORTER_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_article"),
    ("articles", "view_correction"),
    ("articles", "view_country"),
    ("articles", "view_minister"),
    ("articles", "add_minister"),
    ("articles", "view_policy"),
    ("articles", "add_policy"),
]

EDITOR_PERMISSIONS = REPORTER_PERMISSIONS + [
    ("articles", "delete_article"),
    ("articles", "publish_article"),
    ("articles", "edit_any_article"),
    ("articles", "add_correction"),
    ("articles", "change_correction"),
    ("articles", "delete_correction"),
    ("articles", "change_country"),
    ("articles", "change_minister"),
    ("articles", "delete_minister"),
    ("articles", "change_policy"),
    ("articles", "delete_policy"),
]

ROLES = {REPORTER: REPORTER_PERMISSIONS, EDITOR: EDITOR_PERMISSIONS}


def install_roles(group_model, permission_model):
    """Create the groups with exactly their permissions (the models may be a migration's)."""
    for role, codenames in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set([
            permission_model.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ])
