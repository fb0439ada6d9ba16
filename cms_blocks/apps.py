from django.apps import AppConfig


class CmsBlocksConfig(AppConfig):
    """StreamField blocks that render live evaluation data."""

    name = "cms_blocks"
    label = "qp_blocks"
    verbose_name = "Блоки страниц"
