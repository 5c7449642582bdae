"""``python -m framelens``: the same as the ``framelens`` command."""
from .cli import entry

if __name__ == "__main__":
    entry()
