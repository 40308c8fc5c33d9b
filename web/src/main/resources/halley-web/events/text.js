// Text helpers the handlers share: pure, no DOM.

/**
 * Text from the network placed inside the page's own sentence, isolated (U+2068 … U+2069) so
 * that direction marks in it (U+202E) cannot reorder the sentence around it.
 */
export const isolate = s => (s ? `\u2068${s}\u2069` : '');
