"""Tenders: a dossier of files (notice, guidelines, annexes, contract, notes of information) judged as
one. `dossier` reads a tender's files, `report` holds the tender report; the judging is a rules stage
like a document's, in `checks/tender*.py`. docs/tenders.md says how a tender is judged, and
rules/tender.yaml holds the choices."""
