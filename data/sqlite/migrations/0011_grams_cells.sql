-- The holders of each short search text by static cell (see grams.go): for
-- each term of the search index (a character, pair or trigram of a part of
-- a search text), how many users of each static cell hold it. Kept by every
-- write of a user; filled by 0012_grams_cells.
CREATE TABLE grams_cells (
	term  TEXT    NOT NULL, -- folded, as in search_text
	attrs INTEGER NOT NULL, -- app.User.StaticCell
	n     INTEGER NOT NULL, -- rows at 0 are deleted by the write that empties them
	PRIMARY KEY (term, attrs)
) STRICT, WITHOUT ROWID;

-- The users with a temporary password by expiry, with their search text:
-- the holders of a text among them are split expired or not without
-- reading their rows.
CREATE INDEX users_temporary_by_expiry ON users (expiry_key, attrs, search_text) WHERE expiry_key IS NOT NULL;
