"""НОК campaigns and results: the life cycle, recomputing, publishing, objections, aggregates."""
