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
