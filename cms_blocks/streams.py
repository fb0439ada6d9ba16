"""Stream compositions: which blocks a page body allows."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .blocks import CalloutBlock, RichTextBlock


class BaseStreamBlock(blocks.StreamBlock):
    """Blocks every content page may use."""

    text = RichTextBlock()
    callout = CalloutBlock()

    class Meta:
        block_counts: dict[str, dict[str, int]] = {}
        label = _("Содержимое")
