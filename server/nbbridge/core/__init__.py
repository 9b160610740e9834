"""nbbridge's pure library: notebooks in, pipelines out. No server, kernel or UI imports here."""
