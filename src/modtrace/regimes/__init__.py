"""Regimes as versioned data: the expression language, the loader and two evaluators."""
