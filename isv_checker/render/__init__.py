"""One module per output format, each over the same `Report`; none of them re-reads a document."""
