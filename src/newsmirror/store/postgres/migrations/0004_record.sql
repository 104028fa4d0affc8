-- The record in the shared database (newsmirror/store/postgres/record.py): one row per
-- revision, its JSON line exactly as record/{abbr}/{YYYY-MM}.jsonl would hold it (without the
-- newline), so that a copy back to files is byte for byte the same. ``file`` is that logical
-- record file; ``seq`` orders the rows as lines are ordered in a file. A revision is recorded
-- once: a second (article, rev) is refused, with the whole batch it came in.
CREATE TABLE record (
    seq bigserial PRIMARY KEY,
    file text COLLATE "C" NOT NULL,
    article text COLLATE "C" NOT NULL,
    rev integer NOT NULL,
    line text NOT NULL,
    UNIQUE (article, rev)
);
-- A file's lines in order, and each file's last (catching up, copying back).
CREATE INDEX record_by_file ON record (file, seq);
