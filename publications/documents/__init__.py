"""Documents a ministry files and hands out: PDF and DOCX, the paper questionnaire.

Every document is built from the selectors the public pages use
(:mod:`evaluation.selectors`), its numbers formatted by
:mod:`evaluation.formatting` through the same template filters, and cached
in the private storage once per publication version (see :mod:`.store`).
Why WeasyPrint and python-docx: ``docs/documents.md``.
"""
