"""Reading the world: files, directories, web pages and records -> Articles, cleaned and checked; no NLP.

``read`` (the input formats' readers, :data:`read.READERS`: plain text and JSON records there, web
pages in ``html``), ``clean`` (page clutter out of a page's text) and ``check`` (English prose, not a
page notice, not a copy).
"""
