"""The SDG side of ISV: which targets a contract reaches (`links`), and the contribution table for the
Jaarrapportage Bedrijfsvoering Rijk: its reports read in (`sources`), counted (`table`), put in words
(`view`) and written (`outputs`, with `outputs_docx`, `outputs_xlsx` and `chart`).

`links` is the one reading of `rules/sdg.yaml`; the rules stage imports it for a report's targets, so it
imports nothing from the rest of this package or from the renderers.
"""
