"""The article form's safety net in the admin: the autosave and presence endpoints the
form's script (static/newsroom-admin/autosave.js) posts to, the offer to restore a copy,
who else has the article open, and what changed when a save was refused as stale.

The endpoints are admin views (staff only, CSRF checked) and act only for the person
signed in, on an article they may change: a copy is always their own.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from articles.admin.input import is_id_of
from articles.editorial import autosave
from articles.models import Article
from articles.platform.text import row_id

# How often the form says what it holds and that it is still open (milliseconds).
AUTOSAVE_EVERY_MS = 5000
HEARTBEAT_EVERY_MS = 20000
NOT_YOURS = "You may not change this article now, so it is not autosaved."


def refusal_reason(article):
    """Why a writer may no longer change ``article``, in words."""
    published = autosave.publication(article)
    if published:
        who, at = published
        return (f"{who or 'An editor'} published this story at {autosave.clock(at)}; "
                "reporters cannot change a published story.")
    return (f"This story is now {article.get_status_display().lower()}; only an editor "
            "can change it.")


# The text fields a refused save shows back, for the writer to copy from.
TEXT_FIELDS = ("headline", "standfirst", "body", "dateline", "source")


def _changed_text(article, data):
    """[(label, posted text)] of the text fields the post changed from the article."""
    changed = []
    for name in TEXT_FIELDS:
        posted = data.get(name)
        if posted is not None and posted.replace("\r\n", "\n") != getattr(article, name):
            changed.append((Article._meta.get_field(name).verbose_name.capitalize(), posted))
    return changed


def _version_of(data):
    version = data.get("version", "")
    return row_id(version) if len(version) < 10 else None


class AutosaveMixin:
    """For the article admin: autosave and presence endpoints and the form's notes."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            # Before the admin's own "<object_id>/" catch-all, and "add/" before an id.
            path("add/autosave/", view(require_POST(self.autosave_view)),
                 name=self.url_name("autosave_new")),
            path("<path:object_id>/autosave/", view(require_POST(self.autosave_view)),
                 name=self.url_name("autosave")),
            path("<path:object_id>/presence/", view(require_POST(self.presence_view)),
                 name=self.url_name("presence")),
            *super().get_urls(),
        ]

    def url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def own_url(self, view, *args):
        return reverse(f"admin:{self.url_name(view)}", args=args,
                       current_app=self.admin_site.name)

    def editable_article(self, request, object_id):
        """(the article this person may change, None) or (None, the refusal to answer).

        ``object_id`` None is the new-article form (article None). The refusals are in
        words the form can show: an HTML 403 means the session or its token is gone.
        """
        if object_id is None:
            if not self.has_add_permission(request):
                return None, JsonResponse({"error": NOT_YOURS}, status=403)
            return None, None
        object_id = unquote(object_id)
        article = self.get_object(request, object_id) if is_id_of(Article, object_id) else None
        if article is None:
            return None, JsonResponse({"error": "This article no longer exists, or is not "
                                       "yours to see."}, status=404)
        if not self.has_change_permission(request, article):
            published = autosave.publication(article)
            error = NOT_YOURS
            if published and published[0]:
                error = (f"Published by {published[0]} at {autosave.clock(published[1])}: "
                         "you can no longer change it, so it is not autosaved.")
            return None, JsonResponse({"error": error}, status=403)
        return article, None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            refused = self.refused_save(request, unquote(object_id))
            if refused:
                return refused
        return super().changeform_view(request, object_id, form_url, extra_context)

    def refused_save(self, request, object_id):
        """A save of an article this person may read but no longer change (a reporter's
        story an editor has published meanwhile): the admin's page saying why, with the
        text they posted, kept as their autosaved copy. Nothing reaches the article."""
        if not is_id_of(Article, object_id):
            return None
        article = self.get_object(request, object_id)
        if (article is None or not self.has_view_permission(request, article)
                or self.has_change_permission(request, article)
                or not self.has_change_permission(request)):
            return None  # not theirs to see, or not a writer at all: Django's refusal
        try:
            autosave.store_copy(user=request.user, article=article,
                                fields=autosave.fields_of_post(request.POST),
                                opened_version=_version_of(request.POST))
            kept = True
        except autosave.CopyRefused:
            kept = False
        context = {
            **self.admin_site.each_context(request),
            "title": "Your changes were not saved", "subtitle": None,
            "opts": self.opts, "original": article,
            "reason": refusal_reason(article), "kept": kept,
            "posted": _changed_text(article, request.POST),
        }
        return TemplateResponse(request, "admin/articles/article/refused_save.html",
                                context, status=403)

    def autosave_view(self, request, object_id=None):
        """Store the form's state as this person's copy, or discard their copy."""
        article, refused = self.editable_article(request, object_id)
        if refused:
            return refused
        if request.POST.get("discard"):
            autosave.discard_copy(user=request.user, article=article)
            return JsonResponse({"discarded": True})
        try:
            fields = autosave.parse_fields(request.POST.get("fields", ""))
        except autosave.CopyRefused as refusal:
            return JsonResponse({"error": str(refusal)}, status=400)
        copy = autosave.store_copy(
            user=request.user, article=article, fields=fields,
            opened_version=_version_of({"version": request.POST.get("opened_version", "")}),
        )
        return JsonResponse({"saved_at": autosave.clock(copy.saved_at)})

    def presence_view(self, request, object_id):
        """The form is still open (or, with ``leaving``, closed): who else has it open."""
        article, refused = self.editable_article(request, object_id)
        if refused:
            return refused
        if request.POST.get("leaving"):
            autosave.leave(user=request.user, article=article)
            return JsonResponse({"others": ""})
        autosave.note_presence(user=request.user, article=article)
        others = autosave.others_present(request.user, article)
        return JsonResponse({"others": autosave.presence_text(others)})

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        article = obj if obj is not None and obj.pk else None
        form = context["adminform"].form
        if request.method == "POST" and form.errors:
            # A refused save keeps what was typed as the copy, whatever refused it.
            try:
                autosave.store_copy(user=request.user, article=article,
                                    fields=autosave.fields_of_post(request.POST),
                                    opened_version=form.cleaned_data.get("version"))
            except autosave.CopyRefused:
                pass
        context.update(self.autosave_context(request, article, form))
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def autosave_context(self, request, article, form):
        if article is not None and not self.has_change_permission(request, article):
            return {"autosave_url": ""}  # a read-only view of the article: nothing to keep
        if article is None:
            url = self.own_url("autosave_new")
        else:
            url = self.own_url("autosave", article.pk)
        context = {"autosave_url": url, "autosave_every": AUTOSAVE_EVERY_MS,
                   # The version this form edits: after a refused stale save, the one it
                   # was opened at, not the article's latest.
                   "opened_version": form["version"].value() if article else "",
                   "autosave_copy": None, "presence_url": "", "others_present": "",
                   "stale": None}
        copy = autosave.copy_for(request.user, article)
        if copy is not None and request.method == "GET":
            context["autosave_copy"] = {
                "fields": copy.fields, "labels": autosave.tag_labels(copy),
                "saved_at": autosave.clock(copy.saved_at),
                "saved_ms": int(copy.saved_at.timestamp() * 1000),
                # Restored, the form edits the version the copy was made from, so a
                # save over someone's later one is refused as stale, with their changes.
                "opened_version": copy.opened_version,
                "newer_save": bool(article and copy.opened_version
                                   and copy.opened_version < article.version),
            }
        if article is None:
            return context
        autosave.note_presence(user=request.user, article=article)
        context["presence_url"] = self.own_url("presence", article.pk)
        context["heartbeat_every"] = HEARTBEAT_EVERY_MS
        context["others_present"] = autosave.presence_text(
            autosave.others_present(request.user, article))
        if form.has_error(NON_FIELD_ERRORS, "stale"):
            # The form's instance holds what was typed; the article as saved is the
            # form's `saved`, read (and locked) before the form was.
            saved = form.saved
            context["stale"] = {
                "changes": autosave.changes_since(saved, form.cleaned_data.get("version")),
                "latest_version": saved.version,
                "reload_url": request.path,
            }
        return context
