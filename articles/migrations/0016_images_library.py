"""The image library: each article's own picture (image, alt text, caption, credit)
becomes an Image of the library, its hero image, and the four fields go. The roles gain
the library's permissions."""

import articles.models.images
import articles.platform.text
import django.core.validators
import django.db.models.deletion
from importlib import import_module

from django.conf import settings
from django.db import migrations, models

create_roles = import_module("articles.migrations.0003_roles").create_roles


def images_from_articles(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    for article in Article.objects.exclude(image="").exclude(image__isnull=True).iterator():
        width = height = 0
        try:
            from PIL import Image as PILImage
            with article.image.open("rb") as f, PILImage.open(f) as picture:
                width, height = picture.size
        except Exception:  # noqa: BLE001 - a missing or unreadable file keeps its name only
            pass
        image = Image.objects.create(
            file=article.image.name, alt_text=article.image_alt,
            caption=article.image_caption, credit=article.image_credit,
            width=width, height=height, renditions=[],
        )
        Article.objects.filter(pk=article.pk).update(hero_image=image)
    if schema_editor.connection.vendor == "postgresql":
        # Check the new references now: PostgreSQL alters no table with checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def articles_from_images(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(hero_image=None).select_related("hero_image"):
        image = article.hero_image
        Article.objects.filter(pk=article.pk).update(
            image=image.file.name, image_alt=image.alt_text,
            image_caption=image.caption, image_credit=image.credit)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_editor_body_help_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Image',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.ImageField(help_text='A photo or graphic: JPEG, PNG, WebP or GIF.', max_length=255, upload_to=articles.models.images.original_path)),
                ('alt_text', models.CharField(blank=True, help_text='What the image shows, for readers who cannot see it. Required before the image can lead an article.', max_length=250, validators=[articles.platform.text.PlainTextValidator()], verbose_name='alt text')),
                ('caption', models.CharField(blank=True, max_length=300, validators=[articles.platform.text.PlainTextValidator()])),
                ('credit', models.CharField(blank=True, help_text="Who made it, e.g. Reuters or a photographer's name.", max_length=150, validators=[articles.platform.text.PlainTextValidator(names=True)])),
                ('usage_terms', models.CharField(blank=True, help_text='For the newsroom: who owns it and where we may use it. Readers do not see it.', max_length=300, validators=[articles.platform.text.PlainTextValidator()], verbose_name='copyright and usage terms')),
                ('focal_x', models.FloatField(blank=True, help_text='0 is the left edge, 1 the right. Crops keep this point in view.', null=True, validators=[django.core.validators.MinValueValidator(0.0), django.core.validators.MaxValueValidator(1.0)], verbose_name='focal point across')),
                ('focal_y', models.FloatField(blank=True, help_text='0 is the top edge, 1 the bottom.', null=True, validators=[django.core.validators.MinValueValidator(0.0), django.core.validators.MaxValueValidator(1.0)], verbose_name='focal point down')),
                ('width', models.PositiveIntegerField(default=0, editable=False)),
                ('height', models.PositiveIntegerField(default=0, editable=False)),
                ('renditions', models.JSONField(blank=True, default=list, editable=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='article',
            name='hero_image',
            field=models.ForeignKey(blank=True, help_text='The picture at the top of the story, from the image library. It needs alt text.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='articles.image', verbose_name='image'),
        ),
        migrations.RunPython(images_from_articles, articles_from_images),
        migrations.RemoveField(
            model_name='article',
            name='image',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_alt',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_caption',
        ),
        migrations.RemoveField(
            model_name='article',
            name='image_credit',
        ),
        # Reporters upload and describe images, editors also delete them.
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
