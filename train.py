"""Same as ``framelens train``: python train.py [LABELS ...] [--model DIR]."""
import sys

from framelens.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
