"""Exports for meetings: the ledger (xlsx, csv) and the bulletin (docx, md, html).

Every export states when it was made, by whom, its scope, and the log's head hash
with the entry count (so ``superviser audit --anchor HASH`` can later prove the log
was not rewritten since), and is itself recorded in the log.
"""

FORMATS = ("xlsx", "docx", "md", "html", "csv")
