"""Facts of the machine we run on: processes, users, terminals, the TOML parser in use."""
