"""Models of НОК campaigns: inputs, results, publications, their aggregates, objections."""
