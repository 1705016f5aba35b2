"""Upstream controls (paper Table 6, §IV.2): a provider's terms applied to modification requests."""
