"""Reading the world: files, directories, web pages and records -> Articles, cleaned and checked; no NLP.

``read`` (the readers of each input format, :data:`read.READERS`), ``clean`` (page clutter out of a
page's text) and ``check`` (English prose, not a page notice, not a copy).
"""
