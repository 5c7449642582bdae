"""Same as ``framelens predict``.

Usage: python predict.py INPUT [INPUT ...] [--model DIR] [--format jsonl|csv] [--out FILE]
"""
import sys

from framelens.cli import main

if __name__ == "__main__":
    sys.exit(main(["predict", *sys.argv[1:]]))
