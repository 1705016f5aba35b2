"""Documentation outputs for a derived model (paper Table 5, documentation): an updated model
card in the Hub format and a CycloneDX ML-BOM with the model's pedigree."""
