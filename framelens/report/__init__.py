"""The per-outlet framing report, in rooms: ``collect`` (bounded summaries while predictions stream),
``data`` (statistics in, plain dicts out), ``render`` (templates: HTML and Markdown), ``figures``
and ``write`` (the directory swapped in whole)."""
