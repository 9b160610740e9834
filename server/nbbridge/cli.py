"""The nbbridge command line."""


def main() -> None:
    pass
