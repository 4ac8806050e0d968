"""Sub-commands of the `wenzhai` CLI, one module per area, each exposing ``register(subparsers)``."""


class UsageError(Exception):
    """Bad input from the user: the CLI prints it as one line and exits with code 2."""
