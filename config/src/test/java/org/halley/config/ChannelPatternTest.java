package org.halley.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelPatternTest {
    @Test
    void globsMatchWithoutRegardToAsciiCase() {
        assertThat(new ChannelPattern("#halley*").matches("#Halley-dev")).isTrue();
        assertThat(new ChannelPattern("#halley*").matches("#other")).isFalse();
        assertThat(new ChannelPattern("#h?lley").matches("#hally")).isFalse();
        assertThat(new ChannelPattern("#h?lley").matches("#hElley")).isTrue();
        assertThat(new ChannelPattern("*").matches("#anything")).isTrue();
        assertThat(new ChannelPattern("*@conference.example.org").matches("lobby@conference.example.org")).isTrue();
        assertThat(new ChannelPattern("*@conference.example.org").matches("lobby@evil.org")).isFalse();
        assertThat(new ChannelPattern("#a*b*c").matches("#axxbyyc")).isTrue();
        assertThat(new ChannelPattern("#a*b*c").matches("#axxbyy")).isFalse();
    }

    @Test
    void aPatternIsNotARegex() {
        assertThat(new ChannelPattern("#a.b").matches("#axb")).isFalse();
        assertThat(new ChannelPattern("#a.b").matches("#a.b")).isTrue();
    }
}
