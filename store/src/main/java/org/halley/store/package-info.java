/**
 * Halley's history store: a library with its own small API and no other Halley module. Open a
 * {@link org.halley.store.HistoryStore} from {@link org.halley.store.StoreSettings}, append
 * {@link org.halley.store.LineRecord}s from any thread, read {@link org.halley.store.Page}s by
 * {@link org.halley.store.Conversation} and {@link org.halley.store.Cursor}. Threads are described
 * on {@code HistoryStore}; the schema, retention and databases in {@code docs/history.md}.
 */
package org.halley.store;
