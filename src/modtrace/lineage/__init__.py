"""Lineage: traceability over the register's edges, one step back and one step forward."""
