/**
 * The share-nothing cluster's one rule, {@link org.halley.cluster.Owners}: a session belongs to
 * the node named in its id, a user to a node chosen by consistent hashing. The push core answers
 * 421 by it, the Java push client routes by it, and HAProxy and nginx route sessions by the id's
 * prefix (deploy/). Imports nothing of Halley; Guava only.
 */
package org.halley.cluster;
