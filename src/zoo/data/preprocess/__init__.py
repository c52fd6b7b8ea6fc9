"""From read examples to model inputs: tokenizers, vocabularies and ASCII folding for text;
scaling and sliding windows for numeric series."""
