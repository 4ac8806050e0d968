"""User-facing surfaces: the `wenzhai` command line and the BentoML service."""
