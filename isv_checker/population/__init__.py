"""The population of a notice archive: which procedures needed ISV (`isv-check notices`).

An auditor or a report author starts from the notices, not the documents: every procedure a buyer
published, one row each, with whether ISV was mandatory and why. `sources` finds the notices in
folders, ZIPs and TED's bulk packages; `procedures` judges each notice and merges a procedure's
notices (contract notice, award, modification) into one row; `outputs` writes the rows and the
counts the annual report needs; `store` keeps them beside batch results.
"""
