"""Open data: the datasets of the portal, their writers and the download API."""
