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
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from articles.admin.input import is_id_of
from articles.editorial import mentions, services
from articles.editorial.services import apply_suggestions
from articles.models import MENTION_MODELS, TAXONOMIES_BY_PLURAL, AmbiguousMention, Article
from articles.platform.text import html_to_text, row_id
from articles.tagging import new_suggestions, suggest_tags

ACCEPT_FIELD = "accept_suggestion"
PROMOTE_FIELD = "promote_mention"  # "countries:12": make mention row 12 a subject
DISMISS_FIELD = "dismiss_mention"  # the same: remove it
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


def _texts(article):
    return {
        "headline": article.headline or "",
        "standfirst": article.standfirst or "",
        "body": html_to_text(article.body),
    }


def _stored_evidence(texts, evidence):
    """A stored mention's evidence as the panel shows it (the phrase in its words)."""
    shown = []
    for where in evidence:
        text, field = where.get("text") or "", where.get("field")
        if field not in texts:
            continue
        offset = where.get("offset") or 0
        snippet = _snippet(texts[field], offset, len(text))
        if snippet["phrase"] != text:  # the text changed since: show the words alone
            snippet = {"before": "", "phrase": text, "after": ""}
        paragraph = where.get("paragraph")
        shown.append({"field": FIELD_LABELS[field] + (
            f", paragraph {paragraph + 1}" if field == "body" and paragraph is not None
            else ""), **snippet})
    return shown


def mention_panel(article, *, suggested):
    """"Also mentioned": per taxonomy, each mention (not among the ``suggested`` keys,
    shown above) with its evidence; and the ambiguous names with their candidates."""
    texts = _texts(article)
    groups = []
    for plural, model in MENTION_MODELS.items():
        rows = [row for row in model.objects.shown().filter(article=article)
                .select_related("tag").order_by("tag__name")
                if f"{plural}:{row.tag_id}" not in suggested]
        if rows:
            groups.append({"label": TAXONOMIES_BY_PLURAL[plural].label, "mentions": [
                {"key": f"{plural}:{row.pk}", "name": row.tag.name,
                 "evidence": _stored_evidence(texts, row.evidence)}
                for row in rows
            ]})
    ambiguous = []
    for name in AmbiguousMention.objects.filter(article=article):
        model = TAXONOMIES_BY_PLURAL[name.taxonomy].model
        candidates = model.objects.filter(pk__in=name.candidates).order_by("name")
        snippet = _stored_evidence(texts, [{"text": name.text, "field": name.field,
                                            "offset": name.offset,
                                            "paragraph": name.paragraph}])
        ambiguous.append({"label": TAXONOMIES_BY_PLURAL[name.taxonomy].label,
                          "text": name.text, "evidence": snippet,
                          "candidates": [tag.name for tag in candidates]})
    return groups, ambiguous


def suggestion_panel(article, suggestions):
    """What the change form shows: per taxonomy, each suggestion and its evidence."""
    texts = _texts(article)
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
            context["mentions"], context["ambiguous_mentions"] = mention_panel(
                obj, suggested={s.key for items in new.values() for s in items})
            context["mention_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_mention",
                args=[obj.pk], current_app=self.admin_site.name)
            context["promote_field"] = PROMOTE_FIELD
            context["dismiss_field"] = DISMISS_FIELD
            context["tag_suggestions_accept"] = self.has_change_permission(request, obj)
            context["accept_field"] = ACCEPT_FIELD
            context["accept_all_button"] = ACCEPT_ALL_BUTTON
        return super().render_change_form(request, context, add=add, change=change,
                                          form_url=form_url, obj=obj)

    def get_urls(self):
        return [
            path("<path:object_id>/mention/",
                 self.admin_site.admin_view(require_POST(self.mention_view)),
                 name=f"{self.opts.app_label}_{self.opts.model_name}_mention"),
            *super().get_urls(),
        ]

    def mention_view(self, request, object_id):
        """One click on a mention in the change form: make it a subject, or remove it.
        The button posts the form here; only the mention's key is read."""
        object_id = unquote(object_id)
        article = self.get_object(request, object_id) if is_id_of(Article, object_id) \
            else None
        if article is None or not self.has_view_permission(request, article):
            raise Http404("No such article.")
        back = HttpResponseRedirect(reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[article.pk], current_app=self.admin_site.name))
        if not self.has_change_permission(request, article):
            self.message_user(request, "You may not change this article, so its mentions "
                              "stay as they are.", messages.ERROR)
            return back
        promote, dismiss = request.POST.get(PROMOTE_FIELD), request.POST.get(DISMISS_FIELD)
        key = promote or dismiss or ""
        plural, _, number = key.partition(":")
        try:
            if (promote and dismiss) or plural not in MENTION_MODELS or row_id(number) is None:
                raise mentions.MentionRefused("That is not a mention of this story. "
                                              "Nothing was changed.")
            act = mentions.mention_promote if promote else mentions.mention_dismiss
            tag = act(article=article, plural=plural, row_id=row_id(number), by=request.user)
        except (mentions.MentionRefused, PermissionDenied) as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return back
        label = TAXONOMIES_BY_PLURAL[plural].label.lower()
        self.message_user(
            request, f"“{tag.name}” is now one of the story's {label}." if promote
            else f"Removed the mention of “{tag.name}”; it will not come back.",
            messages.SUCCESS)
        return back

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
