"""The TOML reader: tomli (the same parser as the standard library's tomllib, but shipped as a
compiled wheel that parses a report about three times faster) or tomllib where tomli is missing."""

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - tomli is a dependency; this keeps a bare 3.11+ working
    import tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

__all__ = ["tomllib"]
