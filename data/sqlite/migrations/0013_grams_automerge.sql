-- FTS5 writes each transaction's new rows of a search index as a segment,
-- and merges the segments of a level once it holds 'automerge' of them (4
-- by default): a row is written again at each level it climbs. With 4, the
-- merges were nine tenths of the processor time that the search index cost
-- a new user in a directory of a million (0.84 ms of 0.93 ms), half of an
-- import's writes; with 16 a row climbs half as many levels (0.18 ms a
-- user in all), and searches, which read every segment, were not measurably
-- slower (docs/BENCHMARKS.md).
INSERT INTO users_grams (users_grams, rank) VALUES ('automerge', 16);
INSERT INTO audit_grams (audit_grams, rank) VALUES ('automerge', 16);
