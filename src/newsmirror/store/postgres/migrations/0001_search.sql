-- The search index (newsmirror/search/postgres.py): one document per article, its latest
-- revision, the project's own terms (search/text.py) as a tsvector under a GIN index.
CREATE TABLE search_docs (
    article text PRIMARY KEY,
    rev integer NOT NULL,
    source text NOT NULL,
    edited boolean NOT NULL,
    removed boolean NOT NULL,
    -- The article's time in minutes: recency, date filters (to the minute, as in SQLite).
    minute bigint NOT NULL,
    -- Articles of one minute: the first indexed first.
    seq bigint GENERATED ALWAYS AS IDENTITY,
    time_ms bigint NOT NULL,
    path text NOT NULL,
    url text,
    title text NOT NULL,
    body text NOT NULL,  -- without its date line: what snippets are cut from
    terms tsvector NOT NULL,  -- of the title and the body: what a query must match
    title_terms tsvector NOT NULL  -- of the title alone: relevance, without reading terms again
);
CREATE INDEX search_docs_terms ON search_docs USING gin (terms);
CREATE INDEX search_docs_recent ON search_docs (minute DESC, seq DESC);
CREATE INDEX search_docs_source ON search_docs (source, minute DESC, seq DESC);
