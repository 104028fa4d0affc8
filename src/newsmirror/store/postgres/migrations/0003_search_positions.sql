-- How far the search index (newsmirror/search/postgres.py) has read each record file: it
-- follows the record as every cache does (store.follow).
CREATE TABLE search_positions (file text COLLATE "C" PRIMARY KEY, indexed_to bigint NOT NULL);
