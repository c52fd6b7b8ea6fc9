"""Reading files and where they come from: CSV/TSV tables, UTF-8 text, IDX, IMDB's archives;
`data.path` and `data.root`, and checksummed downloads."""
