"""Working among colleagues: the edit lock, folder checks, the hang-up guard."""
