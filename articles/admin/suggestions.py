"""The auto-tagger in the article admin: suggestions with evidence, accepted in one click.

A mixin for ArticleAdmin. The change form shows the tags the text supports but the
article does not carry yet, each with the phrases it was found from. Ticked suggestions
are added when the form is saved; "Save and accept all suggestions" adds every one. The
keys sent by the browser are checked against suggestions computed again on the server,
so a hand-made request can add nothing the text does not support, and only users who may
change the article (the admin's own permission check) get that far. A list action adds
all suggestions to the selected articles the user may edit.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect

from articles.editorial import mentions, services
from articles.editorial.services import apply_suggestions
from articles.models import TAXONOMIES_BY_PLURAL
from articles.platform.text import html_to_text
from articles.tagging import new_suggestions, suggest_tags

ACCEPT_FIELD = "accept_suggestion"
ACCEPT_ALL_BUTTON = "_accept_all_suggestions"
SNIPPET_CHARS = 40
FIELD_LABELS = {"headline": "headline", "standfirst": "standfirst", "body": "body"}


def _snippet(text, offset, length):
    """The phrase with some words either side, for the editor to judge the match."""
    start = max(0, offset - SNIPPET_CHARS)
    end = min(len(text), offset + length + SNIPPET_CHARS)
    # Cut at spaces so the snippet shows whole words.
    if start > 0 and text.find(" ", start, offset) != -1:
        start = text.find(" ", start, offset) + 1
    if end < len(text) and text.rfind(" ", offset + length, end) != -1:
        end = text.rfind(" ", offset + length, end)
    return {
        "before": ("…" if start > 0 else "") + text[start:offset],
        "phrase": text[offset:offset + length],
        "after": text[offset + length:end] + ("…" if end < len(text) else ""),
    }


def suggestion_panel(article, suggestions):
    """What the change form shows: per taxonomy, each suggestion and its evidence."""
    texts = {
        "headline": article.headline or "",
        "standfirst": article.standfirst or "",
        "body": html_to_text(article.body),
    }
    panel = []
    for taxonomy, items in suggestions.items():
        if not items:
            continue
        panel.append({
            "label": TAXONOMIES_BY_PLURAL[taxonomy].label,
            "suggestions": [
                {
                    "key": item.key,
                    "name": item.name,
                    "mentions": len(item.evidence),
                    "evidence": [
                        {
                            "field": FIELD_LABELS[e.field],
                            **_snippet(texts[e.field], e.offset, len(e.phrase)),
                        }
                        for e in item.evidence[:3]
                    ],
                }
                for item in items
            ],
        })
    return panel


class SuggestedTagsMixin:
    """Adds suggested tags to the article change form and a "Suggest tags" list action."""

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None and obj.pk:
            found = suggest_tags(obj)
            present = {taxonomy: {tag.id for tag in getattr(obj, taxonomy).all()}
                       for taxonomy in found}
            new = {t: [s for s in items if s.tag_id not in present[t]]
                   for t, items in found.items()}
            applied = {t: [s for s in items if s.tag_id in present[t]]
                       for t, items in found.items()}
            context["tag_suggestions"] = suggestion_panel(obj, new)
            # Why the tags already on the article (an import's, say) are there.
            context["tag_evidence"] = suggestion_panel(obj, applied)
            context["tag_suggestions_accept"] = self.has_change_permission(request, obj)
            context["accept_field"] = ACCEPT_FIELD
            context["accept_all_button"] = ACCEPT_ALL_BUTTON
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.accept_suggestions(request, form, change)
        # The text and the tags are saved: what it mentions besides follows.
        mentions.refresh_article_mentions(form.instance)

    def accept_suggestions(self, request, form, change):
        accept_all = ACCEPT_ALL_BUTTON in request.POST
        ticked = set(request.POST.getlist(ACCEPT_FIELD))
        if not (accept_all or ticked) or not change:
            return
        article = form.instance
        added = apply_suggestions(
            article=article,
            suggestions=new_suggestions(article),
            accept=None if accept_all else ticked,
        )
        if added:
            self.message_user(
                request, f"Added {added} suggested tag{'s' if added != 1 else ''}.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "No suggested tags to add.", messages.INFO)

    def response_change(self, request, obj):
        if ACCEPT_ALL_BUTTON in request.POST:
            # Stay on the article so the editor sees the tags just added.
            return HttpResponseRedirect(request.get_full_path())
        return super().response_change(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            actions["suggest_tags"] = self.get_action("suggest_tags")
        return actions

    def suggest_tags(self, request, queryset):
        """Add every suggested tag to the selected articles the user may edit."""
        articles = tags = unchanged = 0
        refused = []
        for article in queryset:
            if not self.has_change_permission(request, article):
                refused.append(article.headline)
                continue
            added = services.article_add_suggested_tags(article=article, by=request.user)
            if added:
                articles += 1
                tags += added
            else:
                unchanged += 1
        if articles:
            self.message_user(
                request,
                f"Added {tags} suggested tag{'s' if tags != 1 else ''} to {articles} "
                f"article{'s' if articles != 1 else ''}.",
                messages.SUCCESS,
            )
        if unchanged:
            self.message_user(
                request,
                f"{unchanged} article{'s' if unchanged != 1 else ''} had no new suggestions.",
                messages.INFO,
            )
        if refused:
            self.message_user(
                request,
                f"Not changed (you may not edit): {', '.join(refused)}.",
                messages.WARNING,
            )

    suggest_tags.short_description = "Suggest tags: add the auto-tagger's suggestions"
