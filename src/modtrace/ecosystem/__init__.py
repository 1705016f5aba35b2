"""The downstream ecosystem: a population of Hub derivatives, simulated under any regime."""
