"""Files -> the canonical posts frame: decoding, layouts, values, row accounting."""
