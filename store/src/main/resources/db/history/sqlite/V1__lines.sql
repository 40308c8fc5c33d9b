-- Halley's history, SQLite. One row per kept line; see docs/history.md.
-- AUTOINCREMENT: ids are never reused after retention deletes, so a cursor never points at a newer line.
CREATE TABLE line (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    network TEXT    NOT NULL,
    owner   TEXT    NOT NULL,             -- '' for a channel's shared history, else the account
    target  TEXT    NOT NULL,             -- channel or room, or the private conversation's peer
    at      INTEGER NOT NULL,             -- server time, ms since the epoch
    msgid   TEXT,                         -- the network's id, if it gave one
    dedup   TEXT    NOT NULL,             -- 'm:'+msgid, or 'h:'+digest(time, kind, from, text)
    sender  TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    body    TEXT    NOT NULL
);
CREATE UNIQUE INDEX line_dedup ON line (network, owner, target, dedup);
CREATE INDEX line_conversation ON line (network, owner, target, at, id);
CREATE INDEX line_at ON line (at);

-- Full text: an external-content FTS5 index over body, kept by triggers.
CREATE VIRTUAL TABLE line_fts USING fts5(body, content='line', content_rowid='id', tokenize='unicode61 remove_diacritics 0');
CREATE TRIGGER line_fts_insert AFTER INSERT ON line BEGIN
    INSERT INTO line_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER line_fts_delete AFTER DELETE ON line BEGIN
    INSERT INTO line_fts (line_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
