"""Generated tasks, no files: adding, addition, copy memory, xor, spell."""
