"""Text: jieba segmentation, sentiment scoring, brand matching."""
