"""Evidence: evaluation results turned into facts (paired original-vs-modified comparisons)."""
