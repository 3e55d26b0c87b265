"""The `logokraft` command line: LogoKraft's public /api/v1 from a terminal."""
