"""Files -> the canonical posts frame: decoding, layouts, values, row accounting.

One loader, in the order a file goes through it:

- ``files``      bytes of a file, whole or in blocks; OS errors as one-line messages
- ``encoding``   the one encoding decision (BOMs, UTF-8, GB18030, ...), in memory or by blocks
- ``formats``    CSV, TSV, JSON or JSON lines, by content; where a JSON object keeps its records
- ``lines``      decoded lines of a big file or of a byte range of it
- ``rows``       records from text, and the one row loop that counts, skips and frames them
- ``jsondoc``    JSON documents: whole in memory, or parsed incrementally
- ``read``       a whole file as one piece: ``read_table`` -> raw records
- ``scan``       what each file is and the pieces it is read in
- ``layouts``    crawler column maps; ``canonical`` raw records -> canonical posts
- ``times``, ``counts``, ``texts`` (gathered in ``values``, on ``cells``): cell values
- ``dedupe``     duplicates across files: keys, the plan, keep the last
- ``chunks``     a piece -> canonical posts chunk by chunk (bounded memory)
- ``posts``      ``load_posts``: every file as one piece, all in memory
- ``accounting``, ``inspection``: what became of every row; ``options``: what the user said
"""
