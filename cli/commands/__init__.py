"""Sub-commands of the `wenzhai` CLI, one module per area, each exposing ``register(subparsers)``.

``UsageError`` is bad input from the user: the CLI prints it as one line and exits with code 2. It is
the models' :class:`~wenzhai.models.inputs.InputError`, so the batch engine (which imports only
models) raises the same error the commands do.
"""

from wenzhai.models.inputs import InputError as UsageError

__all__ = ["UsageError"]
