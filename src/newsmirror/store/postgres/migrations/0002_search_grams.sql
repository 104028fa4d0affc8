-- Three- and four-character grams (newsmirror/search/postgres.py): a Chinese word of three or
-- four characters is then one lexeme of the GIN index, matched without reading the document's
-- positions again; longer words are first narrowed by theirs.
ALTER TABLE search_docs ADD COLUMN grams tsvector NOT NULL DEFAULT '';
ALTER TABLE search_docs ALTER COLUMN grams DROP DEFAULT;
-- Documents indexed before: their grams are the runs of adjacent CJK bigrams in their terms
-- (adjacent bigrams are always of one run: a run's last character follows its last bigram).
UPDATE search_docs d SET grams = coalesce((
    WITH bigrams AS (
        SELECT lexeme, unnest(positions) AS at FROM unnest(d.terms)
        WHERE lexeme ~ '^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]{2}$'
    )
    SELECT array_to_tsvector(array_agg(DISTINCT gram)) FROM (
        SELECT a.lexeme || right(b.lexeme, 1) AS gram
        FROM bigrams a JOIN bigrams b ON b.at = a.at + 1
        UNION ALL
        SELECT a.lexeme || right(b.lexeme, 1) || right(c.lexeme, 1)
        FROM bigrams a JOIN bigrams b ON b.at = a.at + 1 JOIN bigrams c ON c.at = a.at + 2
    ) found
), '');
CREATE INDEX search_docs_grams ON search_docs USING gin (grams);
