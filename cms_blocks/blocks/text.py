"""Text blocks: formatted text and call-outs."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class RichTextBlock(blocks.RichTextBlock):
    """Formatted text with a restricted, accessible set of features."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "features",
            ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"],
        )
        super().__init__(*args, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Текст")
        template = "cms_blocks/blocks/rich_text.html"
        preview_value = "<p>Результаты независимой оценки качества за 2024 год.</p>"
        description = _("Абзацы, заголовки, списки и ссылки")


class CalloutBlock(blocks.StructBlock):
    """A highlighted notice, such as a deadline or a call to take the survey."""

    title = blocks.CharBlock(label=_("Заголовок"), max_length=120)
    text = blocks.TextBlock(label=_("Текст"))
    link_url = blocks.URLBlock(label=_("Ссылка"), required=False)
    link_text = blocks.CharBlock(label=_("Текст ссылки"), required=False, max_length=80)

    def clean(self, value):
        """Require a link text whenever a link is given, so the link is accessible."""
        cleaned = super().clean(value)
        if cleaned.get("link_url") and not cleaned.get("link_text"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "link_text": ValidationError(
                        _(
                            "Укажите текст ссылки: без него ссылка недоступна для экранных дикторов."
                        )
                    )
                }
            )
        return cleaned

    class Meta:
        icon = "warning"
        label = _("Выноска")
        template = "cms_blocks/blocks/callout.html"
        preview_value = {
            "title": "Декада качества",
            "text": "Оцените работу учреждения: анкета займёт пять минут.",
        }
        description = _("Выделенное сообщение со ссылкой")
