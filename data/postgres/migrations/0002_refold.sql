-- Names are folded anew (every Latin letter to the base letter a person
-- types, separators left out, name, login and recovery e-mail apart): the
-- sort keys and search texts were stored again by migrate.go (refold)
-- before this script, which counts the pieces of the new texts.
DELETE FROM user_grams;
INSERT INTO user_grams (gram, users)
	SELECT g, count(*) FROM users, unnest(sesame_grams(search_text)) g GROUP BY g;
INSERT INTO user_grams (gram, users) SELECT 0, count(*) FROM users;
