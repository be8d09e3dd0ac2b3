"""The article admin's history: every version in words, any two compared, revert to
any one, and recovering a deleted article.

Replaces django-reversion's views, which restore a whole revision before any check:
here only a version of this very article is found (``editorial.history``), and a
revert is an edit through ``services.article_revert`` under the same role rules.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from articles.editorial import history, services, workflow
from articles.models import Article


@dataclass(frozen=True)
class HistoryRow:
    """One saved version as the history page lists it."""

    version: Version
    saved_on: str
    changes: list
    revertible: bool


def saved_on(version):
    """"on 1 Dec 2026, 09:00 by Asha Rao": when and by whom a version was saved."""
    saved = timezone.localtime(version.revision.date_created)
    user = version.revision.user
    by = f" by {user.get_full_name() or user.get_username()}" if user else ""
    return f"on {date_format(saved, 'j M Y, H:i')}{by}"


class ArticleHistoryMixin:
    """For the article admin (a reversion VersionAdmin): history, compare, revert,
    recover."""

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_compare",
        )
        return [compare, *super().get_urls()]

    def _article_for(self, request, object_id, *, change):
        """The article the user may see (``change``: may edit), else 404 or 403."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        allowed = (self.has_change_permission if change
                   else self.has_view_or_change_permission)
        if not allowed(request, article):
            raise PermissionDenied
        if not workflow.may_read_history(request.user, article):
            raise PermissionDenied
        return article

    def _context(self, request, article, title, **more):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            **more,
        }

    def history_view(self, request, object_id, extra_context=None):
        """Every version, newest first, in words and with what it changed; choose two to
        compare, or one to revert to."""
        article = self._article_for(request, object_id, change=False)
        versions = list(
            Version.objects.get_for_object(article)
            .select_related("revision", "revision__user").order_by("-pk")
        )
        changes = history.article_changes(versions, article.pk)
        revertible = history.revisions_holding_only([v.revision_id for v in versions],
                                                    article.pk)
        rows = [HistoryRow(v, saved_on(v), changed, v.revision_id in revertible)
                for v, changed in zip(versions, changes, strict=True)]
        context = self._context(
            request, article, f"History of “{article.headline}”", rows=rows,
            compare_url=reverse("admin:articles_article_compare", args=[article.pk]),
            object=article, module_name=self.opts.verbose_name_plural.capitalize(),
            may_revert=self.has_change_permission(request, article),
            **(extra_context or {}),
        )
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        """Two versions of the article side by side: what changed from the older to the
        newer, each with its revert button."""
        article = self._article_for(request, object_id, change=False)
        chosen = [history.article_version(article.pk, request.GET.get(name))
                  for name in ("from", "to")]
        if None in chosen or chosen[0].pk == chosen[1].pk:
            self.message_user(request, "Choose two different versions of this article to "
                              "compare: one in each column.", messages.ERROR)
            return redirect("admin:articles_article_history", article.pk)
        older, newer = sorted(chosen, key=lambda v: v.pk)
        snapshots = history.version_snapshots([older, newer], article.pk)
        changes = history.compare(*snapshots, history.tag_names(snapshots), whole=True)
        context = self._context(
            request, article, f"Compare versions of “{article.headline}”",
            versions=[(older, saved_on(older)), (newer, saved_on(newer))],
            changes=changes,
            may_revert=self.has_change_permission(request, article),
        )
        return TemplateResponse(request, "admin/articles/article/compare_versions.html",
                                context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One stored version compared with the article now; POST reverts to it."""
        article = self._article_for(request, object_id, change=True)
        version = history.article_version(article.pk, version_id)
        if version is None:
            raise Http404("No such version of this article.")
        if request.method == "POST":
            return self._revert(request, article, version)
        restorable = history.restorable(history.version_snapshots([version], article.pk)[0])
        now = history.current_snapshot(article)
        context = self._context(
            request, article, f"Revert “{article.headline}”",
            version=version, saved_on=saved_on(version),
            changes=history.compare(now, restorable.snapshot,
                                    history.tag_names([restorable.snapshot, now])),
            notes=restorable.notes,
            keeps_address=article.status in services.PUBLIC_ONCE,
            action="revert", button="Revert to this version",
            back_url=reverse("admin:articles_article_history", args=[article.pk]),
            back_label="Back to the history",
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/articles/article/revert_confirm.html", context)

    def _revert(self, request, article, version):
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = 0  # a form without the version it was opened at is stale
        try:
            article = services.article_revert(
                article=article, version=version, by=request.user, expected_version=expected,
            )
        except (services.StaleEdit, services.RevertRefused, PermissionDenied) as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(request.path)
        self.message_user(
            request,
            f"Reverted to the version saved {saved_on(version)}. This is now version "
            f"{article.version}; the history keeps every earlier one.",
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm("articles.edit_any_article"):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """A deleted article, brought back by an editor through ``article_recover``."""
        if not request.user.has_perm("articles.edit_any_article"):
            raise PermissionDenied
        version = get_object_or_404(
            Version.objects.get_deleted(Article).select_related("revision"), pk=version_id
        )
        if request.method == "POST":
            try:
                article = services.article_recover(version=version, by=request.user)
            except (services.RevertRefused, PermissionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:articles_article_recoverlist")
            self.message_user(request, f"Recovered “{article.headline}”.", messages.SUCCESS)
            return redirect("admin:articles_article_change", article.pk)
        shared = history.article_version(version.object_id, version.pk) is None
        context = self._context(
            request, None, f"Recover “{version.object_repr}”",
            version=version, saved_on=saved_on(version), action="recover",
            shared=shared,
            notes=[] if shared else history.restorable(
                history.version_snapshots([version], version.object_id)[0]).notes,
            button="Recover this article",
            back_url=reverse("admin:articles_article_recoverlist"),
            back_label="Back to deleted articles",
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/articles/article/revert_confirm.html", context)
