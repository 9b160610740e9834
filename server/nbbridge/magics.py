"""IPython magics: %%step and %nbbridge."""


def register(ipython) -> None:  # noqa: ANN001
    pass
