-- Words found in one look-up, newest first (newsmirror/search/postgres.py).
--
-- grams: each CJK character, and each run of three and four characters, of the document (no
-- positions): a Chinese word of one, three or four characters is then one lexeme of a GIN index,
-- matched without reading the document's positions again (two characters are one bigram of
-- terms), and a longer one is narrowed by its four-character grams before its phrase is checked.
--
-- Both GIN indexes lead with the minute (btree_gin), so a search for the newest matches of a
-- common word looks up only the recent part of its postings instead of reading them all.
--
-- And they are the only indexes a search can take documents from: the btrees on the minute
-- and the source go. From those the planner would take the recent documents (or a source's)
-- and test each one's terms, read back from TOAST, where it cannot see the cost: 70 ms for
-- 2,800 documents of 200,000. The index's span, its first and last minute, is read from a
-- btree on an expression no search condition names.
CREATE EXTENSION IF NOT EXISTS btree_gin;
ALTER TABLE search_docs ADD COLUMN grams tsvector NOT NULL DEFAULT '';
ALTER TABLE search_docs ALTER COLUMN grams DROP DEFAULT;
-- The documents indexed before: their grams from their terms, where each CJK bigram stands at
-- its first character's position (adjacent bigrams are always of one run: a run's last
-- character, a term of one character, follows its last bigram).
UPDATE search_docs d SET grams = coalesce((
    WITH lexemes AS (
        SELECT lexeme, unnest(positions) AS at FROM unnest(d.terms)
        WHERE lexeme ~ '^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]{1,2}$'
    ), bigrams AS (
        SELECT lexeme, at FROM lexemes WHERE char_length(lexeme) = 2
    )
    SELECT array_to_tsvector(array_agg(DISTINCT gram)) FROM (
        SELECT left(lexeme, 1) AS gram FROM lexemes
        UNION ALL
        SELECT a.lexeme || right(b.lexeme, 1)
        FROM bigrams a JOIN bigrams b ON b.at = a.at + 1
        UNION ALL
        SELECT a.lexeme || right(b.lexeme, 1) || right(c.lexeme, 1)
        FROM bigrams a JOIN bigrams b ON b.at = a.at + 1 JOIN bigrams c ON c.at = a.at + 2
    ) found
), '');
DROP INDEX search_docs_terms;
CREATE INDEX search_docs_terms ON search_docs USING gin (minute, terms);
CREATE INDEX search_docs_grams ON search_docs USING gin (minute, grams);
DROP INDEX search_docs_recent;
DROP INDEX search_docs_source;
CREATE INDEX search_docs_span ON search_docs ((-minute));
