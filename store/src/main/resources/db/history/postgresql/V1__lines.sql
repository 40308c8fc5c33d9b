-- Halley's history, PostgreSQL. The same table as SQLite's; full text is a generated tsvector
-- column ('simple': lower-cased words, no stemming, as SQLite's unicode61) with a GIN index.
CREATE TABLE line (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    network TEXT   NOT NULL,
    owner   TEXT   NOT NULL,              -- '' for a channel's shared history, else the account
    target  TEXT   NOT NULL,              -- channel or room, or the private conversation's peer
    at      BIGINT NOT NULL,              -- server time, ms since the epoch
    msgid   TEXT,                         -- the network's id, if it gave one
    dedup   TEXT   NOT NULL,              -- 'm:'+msgid, or 'h:'+digest(time, kind, from, text)
    sender  TEXT   NOT NULL,
    kind    TEXT   NOT NULL,
    body    TEXT   NOT NULL,
    body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED
);
CREATE UNIQUE INDEX line_dedup ON line (network, owner, target, dedup);
CREATE INDEX line_conversation ON line (network, owner, target, at, id);
CREATE INDEX line_at ON line (at);
CREATE INDEX line_fts ON line USING GIN (body_tsv);
