"""Models of plans of measures, instructions (поручения) and letters."""
