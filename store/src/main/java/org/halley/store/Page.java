package org.halley.store;

import java.util.List;
import java.util.Optional;

/**
 * A page of history in reading order (oldest first). {@code older} is where the page before this
 * one ends (present when there may be older lines), {@code newer} where the next one starts
 * (present when there may be newer ones). For a search page the lines are newest first and
 * {@code older} continues the search.
 */
public record Page(List<StoredLine> lines, Optional<Cursor> older, Optional<Cursor> newer) {
    public Page {
        lines = List.copyOf(lines);
    }

    static Page empty() {
        return new Page(List.of(), Optional.empty(), Optional.empty());
    }
}
