package org.halley.push.client;

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
        assertThatThrownBy(() -> Owners.nodeOfSession("nodot")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aUserBelongsToTheSameNodeEverywhereAndTheRuleIsTheDocumentedOne() {
        // docs/protocol.md gives these same values, so an implementation in another language can check itself.
        assertThat(Owners.indexOfUser("alice", 5)).isEqualTo(2);
        assertThat(Owners.indexOfUser("bob", 5)).isEqualTo(1);
        assertThat(Owners.indexOfUser("carol", 5)).isEqualTo(3);
        assertThat(Owners.nodeOfUser("carol", List.of("a", "b", "c", "d", "e"))).isEqualTo("d");
        assertThat(Owners.nodeOfUser("alice", List.of("a"))).isEqualTo("a");
    }

    @Test
    void addingANodeMovesAboutOneUserInNPlusOne() {
        int moved = 0;
        Map<Integer, Integer> load = new HashMap<>();
        for (int u = 0; u < 10_000; u++) {
            String user = "user-" + u;
            int before = Owners.indexOfUser(user, 4);
            int after = Owners.indexOfUser(user, 5);
            if (before != after) {
                moved++;
                assertThat(after).as("a moved user goes to the new node").isEqualTo(4);
            }
            load.merge(after, 1, Integer::sum);
        }
        assertThat(moved).isBetween(1600, 2400); // about 10,000 / 5
        assertThat(load.values()).allMatch(n -> n > 1600 && n < 2400);
    }
}
