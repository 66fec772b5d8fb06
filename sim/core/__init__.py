"""The core: the Mesa model that runs the month, its indicators and its checks."""
