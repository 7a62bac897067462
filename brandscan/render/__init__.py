"""Renderers: tables and reports to the terminal, CSV/TSV/JSON/JSONL/Markdown, files."""
