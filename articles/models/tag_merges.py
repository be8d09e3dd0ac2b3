"""Which vocabulary entries were merged into which: the record a merge leaves behind, so
that an old version tagged with a merged-away entry still says what it meant."""

from django.db import models
from django.utils import timezone

from articles.models.articles import staff_reference


class TagMergeQuerySet(models.QuerySet):
    def kept_ids(self, taxonomy_key, tag_ids):
        """{merged-away tag id: the id of the entry that carries it now} for those of
        ``tag_ids`` that were merged, following a merge of a merge to its end."""
        direct, frontier = {}, set(tag_ids)
        while frontier:
            found = dict(self.filter(taxonomy=taxonomy_key, old_id__in=frontier)
                         .values_list("old_id", "kept_id"))
            direct.update(found)
            frontier = set(found.values()) - set(direct)
        kept = {}
        for old in tag_ids:
            now, seen = old, {old}
            while now in direct and direct[now] not in seen:
                now = direct[now]
                seen.add(now)
            if now != old:
                kept[old] = now
        return kept


class TagMerge(models.Model):
    """One entry merged into another: its name and address then, the entry kept, who
    merged and when. The ids are plain numbers: the old entry is gone, and the kept
    one may be merged in its turn."""

    taxonomy = models.CharField(max_length=20)  # a Taxonomy's key: "minister"
    old_id = models.PositiveIntegerField()
    old_name = models.CharField(max_length=100)
    old_slug = models.CharField(max_length=100)
    kept_id = models.PositiveIntegerField()
    kept_name = models.CharField(max_length=100)
    merged_by = staff_reference()
    merged_at = models.DateTimeField(default=timezone.now)

    objects = TagMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "old_id"], name="tag_merge_once"),
        ]

    def __str__(self):
        return f"{self.old_name} → {self.kept_name}"
