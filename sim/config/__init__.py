"""Configuration: validated, immutable scenarios read from TOML files."""
