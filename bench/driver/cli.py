"""Command lines of the bench scripts: one-line errors with exit status 2, strict numbers."""

import argparse


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr ("run.py: error: ...") and exit status 2,
    without the usage block before it."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def positive(kind):
    """An argparse type: a number of the given kind above zero."""
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{text!r} must be above 0")
        return value
    convert.__name__ = kind.__name__
    return convert
