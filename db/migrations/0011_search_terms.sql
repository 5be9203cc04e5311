-- The full-text index's words one occurrence per row (fts5vocab's "instance" kind), read only for the first
-- word at or after a given one: the row kind (prompt_search_vocab) counts every document of a word before it
-- answers, about 1.4 ms for a word in half of 100,000 prompts, while this one stops at the first occurrence
-- (0.02 ms). db/search_words.py uses it to turn a typed word into the exact indexed words it begins
-- (issue 25): SQLite 3.40's FTS5 answers a prefix query longer than the prefix indexes by merging every
-- matching word's whole list first (8 ms for a word in 50,000 prompts), an OR of exact words walks them lazily.
CREATE VIRTUAL TABLE prompt_search_terms USING fts5vocab (prompt_search, instance);
