"""Models of the Декада: explanatory notes and the frozen figures of published versions."""
