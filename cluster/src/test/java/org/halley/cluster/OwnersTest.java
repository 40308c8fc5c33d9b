package org.halley.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnersTest {

    @Test
    void aSessionBelongsToTheNodeNamedInItsId() {
        assertThat(Owners.nodeOfSession("eu-2.3nV0aaaaaaaaaaaaaaaaaa")).isEqualTo("eu-2");
        assertThat(Owners.nodeOfSession("n1.a.b")).isEqualTo("n1");
        assertThatThrownBy(() -> Owners.nodeOfSession("nodot")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Owners.nodeOfSession(".x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aUserBelongsToTheSameNodeEverywhereAndTheRuleIsTheDocumentedOne() {
        // docs/protocol.md gives these same values, so an implementation in another language (or a
        // Guava upgrade) that computes anything else fails here first.
        assertThat(Owners.indexOfUser("alice", 5)).isEqualTo(2);
        assertThat(Owners.indexOfUser("bob", 5)).isEqualTo(1);
        assertThat(Owners.indexOfUser("carol", 5)).isEqualTo(3);
        assertThat(Owners.indexOfUser("alice", 3)).isEqualTo(2);
        assertThat(Owners.indexOfUser("bob", 3)).isEqualTo(1);
        assertThat(Owners.indexOfUser("carol", 3)).isEqualTo(0);
        assertThat(Owners.indexOfUser("zoë@example.org", 3)).isEqualTo(0); // UTF-8 bytes, not UTF-16
        assertThat(Owners.indexOfUser("user-1000", 100)).isEqualTo(88);
        assertThat(Owners.nodeOfUser("carol", List.of("a", "b", "c", "d", "e"))).isEqualTo("d");
        assertThat(Owners.nodeOfUser("alice", List.of("a"))).isEqualTo("a");
        assertThatThrownBy(() -> Owners.indexOfUser("alice", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addingANodeMovesAboutOneUserInNPlusOneAndOnlyToTheNewNode() {
        for (int n = 1; n <= 8; n++) {
            int moved = 0;
            Map<Integer, Integer> load = new HashMap<>();
            int users = 20_000;
            for (int u = 0; u < users; u++) {
                String user = "user-" + u;
                int before = Owners.indexOfUser(user, n);
                int after = Owners.indexOfUser(user, n + 1);
                if (before != after) {
                    moved++;
                    assertThat(after).as("a moved user goes to the new node").isEqualTo(n);
                }
                load.merge(after, 1, Integer::sum);
            }
            double expected = users / (n + 1.0);
            assertThat(moved).as("users moved going from %d to %d nodes", n, n + 1).isBetween((int) (expected * 0.9), (int) (expected * 1.1));
            assertThat(load.values()).as("users per node with %d nodes", n + 1).allMatch(c -> c > expected * 0.9 && c < expected * 1.1);
        }
    }

    @Test
    void addingAFourthNodeToThreeMovesAtMostAQuarterOfTenThousandUsers() {
        List<String> three = List.of("n1", "n2", "n3");
        List<String> four = List.of("n1", "n2", "n3", "n4");
        int users = 10_000;
        int moved = 0;
        for (int u = 0; u < users; u++) {
            String user = "member-" + u + "@example.org";
            String before = Owners.nodeOfUser(user, three);
            String after = Owners.nodeOfUser(user, four);
            if (!before.equals(after)) {
                moved++;
                assertThat(after).as("%s moved, to the new node only", user).isEqualTo("n4");
            }
        }
        // Ideal: exactly 1/4. A modulo rule (hash % n) would move 3/4.
        assertThat(moved / (double) users).as("fraction of users moved").isBetween(0.22, 0.27);
    }

    @Test
    void removingTheLastNodeMovesOnlyItsUsers() {
        for (int u = 0; u < 10_000; u++) {
            String user = "user-" + u;
            int before = Owners.indexOfUser(user, 4);
            if (before != 3) {
                assertThat(Owners.indexOfUser(user, 3)).as(user).isEqualTo(before);
            }
        }
    }
}
