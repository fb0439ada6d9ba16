"""One module per public dataset: its columns and a reader yielding its rows.

A reader is called with the resolved campaign (or None) and the campaign's
latest publication (НОК, or None) and yields mappings column key → value one
at a time; the registry (:mod:`evaluation.opendata.registry`) names the
datasets and the writers (:mod:`evaluation.opendata.exports`) encode them.
Readers see only published data.
"""
