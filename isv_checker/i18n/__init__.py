"""Every text a person reads, in Dutch and in English: one catalogue per language (`nl.py`, `en.py`),
how a text is looked up and filled in (`catalogue.py`), how each language writes numbers, amounts,
dates and places (`notation.py`), and which language to use when none is asked for (`languages.py`).

Outputs for machines (the JSON report, the results database, CSV columns) keep their ids and English
fields; everything rendered for a person takes its words from here, in the language it is asked for.
"""
