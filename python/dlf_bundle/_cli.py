"""The ``dlf-bundle`` command installed with the package: the same Rust
command-line code as the binary, compiled into the extension."""

import sys

from . import _native


def main() -> None:
    """Runs ``dlf-bundle`` with this process's arguments and exits with its status."""
    sys.exit(_native.main(["dlf-bundle", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
