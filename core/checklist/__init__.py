"""Application checklists: the model (documents to prepare, merged across measures) and its PDF."""
