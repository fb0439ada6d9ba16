"""Server-rendered, accessible SVG charts of evaluation results.

Each builder returns a :class:`Chart`: complete SVG markup plus the same
figures as a data table (and CSV) that the template shows beside the picture.
The SVG carries ``role="img"`` with a ``<title>`` and a ``<desc>`` that sums the
data up in a Russian sentence, so screen readers get the summary and the table
gives the detail.

Meaning never rests on colour alone: the organisation's values are solid bars
or circles on a solid line, reference values are dashed ticks with diamonds or
hollow squares on a dashed line, every mark carries its number as text, and
each chart draws a legend with its symbols. Bars have a dark stroke so they
survive printing without background graphics. All text inserted into the
markup is escaped, and every ``id`` starts with the caller's ``id_prefix`` so
that several charts can share a page. The output depends only on the input.
"""

from .criterion import criterion_chart
from .distribution import distribution_chart
from .primitives import DEFAULT_REFERENCE_LABEL, Chart
from .trend import trend_chart

__all__ = [
    "DEFAULT_REFERENCE_LABEL",
    "Chart",
    "criterion_chart",
    "distribution_chart",
    "trend_chart",
]
