"""Декада качества: sample bases, the summary, explanatory notes, consolidation, versions."""
