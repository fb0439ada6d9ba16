"""StreamField blocks of the portal, one module per block family."""

from .text import CalloutBlock, RichTextBlock

__all__ = ["CalloutBlock", "RichTextBlock"]
