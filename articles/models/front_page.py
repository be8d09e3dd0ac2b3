"""The front page as editors arrange it: which story leads, and the top stories' order."""

from django.db import models

from articles.models.articles import Article, staff_reference

# Position 1 is the lead; 2 to FRONT_PAGE_SLOTS the row of top stories under it.
LEAD_POSITION = 1
FRONT_PAGE_SLOTS = 5


class FrontPageSlot(models.Model):
    """One story pinned to one place on the home page.

    A slot whose story is not public (scheduled, withdrawn) is shown as if it were
    empty: the home page fills it with the newest story not shown elsewhere on it.
    """

    position = models.PositiveSmallIntegerField(
        unique=True, help_text="1 is the lead story; 2 onwards the top stories, in order.",
    )
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="front_page_slot",
        limit_choices_to={"status": Article.Status.PUBLISHED},
        help_text="A published or scheduled story (a scheduled one appears at its time).",
    )
    pinned_at = models.DateTimeField(auto_now=True)
    pinned_by = staff_reference()

    class Meta:
        ordering = ["position"]
        verbose_name = "front page"
        verbose_name_plural = "front page"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(position__gte=LEAD_POSITION,
                                   position__lte=FRONT_PAGE_SLOTS),
                name="front_page_slot_position_range",
            ),
        ]

    def __str__(self):
        return f"{self.position}: {self.article}"
