"""The table grid, in rooms: ``layout`` (the screen layout of a table), ``nav`` (where the cursor
goes on each key), ``viewport`` (scrolling and where a cell is on the screen), ``celledit`` (the
line editor of one cell), ``paint`` (one screen line) and ``widget`` (the Textual widget that ties
them to keys). All but ``paint`` and ``widget`` are plain Python, tested without a terminal."""
