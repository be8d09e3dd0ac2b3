"""The wire on the article form: the agency's item and version, whether an editor has
taken the story over, and the later version waiting as a proposed update, applied with
one click (``editorial/wire_updates.wire_update_apply``)."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.editorial.wire_updates import wire_update_apply
from articles.models import WireUpdate


class WireUpdatesMixin:
    """For the article admin: the "wire" read-only field and the apply endpoint."""

    def get_urls(self):
        apply = path(
            "<path:object_id>/wire-update/<int:update_id>/apply/",
            self.admin_site.admin_view(require_POST(self.apply_wire_update_view)),
            name=f"{self.opts.app_label}_{self.opts.model_name}_wire_update_apply",
        )
        return [apply, *super().get_urls()]

    def apply_wire_update_view(self, request, object_id, update_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        update = get_object_or_404(WireUpdate, pk=update_id, article=article)
        try:
            wire_update_apply(update=update, by=request.user)
        except PermissionDenied as refusal:
            self.message_user(request, f"The update was not applied: {refusal}",
                              messages.ERROR)
        else:
            self.message_user(request, f"Applied the agency's version {update.wire_version}"
                              f" to “{update.headline}”.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk]))

    def wire(self, article):
        if not article.pk or not article.wire_uri:
            return "Not from a wire item."
        state = ("taken over by the desk: later versions wait here for you"
                 if article.taken_over else "later versions replace the text")
        line = format_html("{}, version {} ({}).", article.wire_uri, article.wire_version,
                           state)
        pending = article.wire_updates.pending().first()
        if pending is None:
            return line
        url = reverse("admin:articles_article_wire_update_apply", args=[article.pk, pending.pk])
        return format_html(
            '{}<br>Version {} arrived {}: “{}”. '
            '<button type="submit" class="button" formaction="{}" formnovalidate>'
            "Apply the agency's version {}</button> (replaces the headline, standfirst, "
            "body, dateline and authors; your text stays in the history)",
            line, pending.wire_version,
            timezone.localtime(pending.received_at).strftime("%d %b %Y %H:%M"),
            pending.headline, url,
            pending.wire_version)
