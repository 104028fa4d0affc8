-- The state and article index (newsmirror/store/postgres/): per-source fetch state and an index
-- of the record (articles, their identity keys, where each revision sits in the record, which
-- revision the mirror file shows), as store/sqlite keeps them in state.sqlite. Ids, paths and
-- record files sort by code point (COLLATE "C"), whatever the database's locale, as in SQLite.
CREATE TABLE articles (
    id text COLLATE "C" PRIMARY KEY,
    source text COLLATE "C" NOT NULL,
    -- One mirror file per article: a second article with the path is refused, batch and all.
    path text COLLATE "C" NOT NULL UNIQUE,
    rev integer NOT NULL,
    hash text NOT NULL,
    feed_hash text NOT NULL,
    summary_only boolean NOT NULL DEFAULT false,
    page_attempts integer NOT NULL DEFAULT 0,
    title text NOT NULL,
    url text,
    time_ms bigint NOT NULL,  -- published, else first seen
    first_seen text NOT NULL,
    first_seen_ms bigint NOT NULL,  -- when re-checks start counting (0: never)
    record_file text COLLATE "C" NOT NULL,
    record_offset bigint NOT NULL,
    projected_rev integer NOT NULL DEFAULT 0,
    change text NOT NULL DEFAULT '',
    checks integer NOT NULL DEFAULT 0,
    page_etag text,
    page_last_modified text,
    adopted boolean NOT NULL DEFAULT false
);
CREATE INDEX articles_by_time ON articles (time_ms DESC, path DESC);
CREATE INDEX articles_by_source_time ON articles (source, time_ms DESC, path DESC);
CREATE INDEX articles_unprojected ON articles (record_file, record_offset)
    WHERE projected_rev < rev;

CREATE TABLE revisions (
    article text COLLATE "C" NOT NULL,
    rev integer NOT NULL,
    fetched text COLLATE "C" NOT NULL,
    title text NOT NULL,
    change text NOT NULL DEFAULT '',
    record_file text COLLATE "C" NOT NULL,
    record_offset bigint NOT NULL,
    PRIMARY KEY (article, rev)
);
CREATE INDEX revisions_by_time ON revisions (fetched);

CREATE TABLE article_keys (key text PRIMARY KEY, article text NOT NULL);
CREATE TABLE images (url text PRIMARY KEY, file text NOT NULL);
-- How far the store has read each record file (store.follow).
CREATE TABLE store_positions (file text COLLATE "C" PRIMARY KEY, indexed_to bigint NOT NULL);

CREATE TABLE sources (
    abbr text PRIMARY KEY,
    config_url text,
    feed_url text,
    etag text,
    last_modified text,
    last_attempt text,
    last_success text,
    last_error text,
    errors integer NOT NULL DEFAULT 0,
    next_due double precision,
    items_seen integer NOT NULL DEFAULT 0,
    page_error text
);

-- Moved by every transaction that writes the store, as its last statement (data_version): a
-- reader that keeps something made from the store makes it again when the number moves. It is
-- part of the writer's transaction, so it moves when the writer commits and not when it rolls
-- back; taken last, its row lock is held only for the moment before the commit.
CREATE TABLE store_version (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
                            version bigint NOT NULL);
INSERT INTO store_version (version) VALUES (0);
