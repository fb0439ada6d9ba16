"""Improvement plans and fulfilment reports, council decisions, instructions and letters."""
