"""Files on disk: report TOML reading and writing, the one atomic writer, fingerprints, versions, the recovery journal."""
