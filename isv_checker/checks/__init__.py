"""The rules stage: a `Document` and a `Ruleset` in, the judged parts of a `Report` out.

Nothing here opens a file or knows about output formats; each module decides one thing.
"""
