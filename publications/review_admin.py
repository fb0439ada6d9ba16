"""Council review queue and workflow admin (filled by the review change)."""
