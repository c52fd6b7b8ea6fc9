"""The built-in datasets: each a thin subclass of a format's datamodule saying where its file
comes from (airline, names, shakespeare, eng_fra), or a datamodule with its own reader (mnist,
imdb)."""
