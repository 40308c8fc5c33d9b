package org.halley.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String GOOD = """
            # HELP halley_sessions Browser sessions on this node now.
            # TYPE halley_sessions gauge
            halley_sessions 3.0
            # HELP halley_connects_total Connections attached.
            # TYPE halley_connects counter
            halley_connects_total{transport="websocket"} 7.0
            halley_connects_total{transport="sse"} 0.0
            # TYPE requests_total counter
            requests_total{code="200"} 12
            # TYPE lat_seconds histogram
            lat_seconds_bucket{le="0.005"} 1
            lat_seconds_bucket{le="0.01"} 3
            lat_seconds_bucket{le="+Inf"} 4
            lat_seconds_count 4
            lat_seconds_sum 0.5
            # TYPE odd gauge
            odd{v="a \\"quoted\\" back\\\\slash\\nline"} NaN 1700000000000
            """;

    @Test
    void readsFamiliesSamplesAndLabels() {
        PrometheusText.Exposition m = PrometheusText.parse(GOOD);
        assertThat(m.value("halley_sessions")).isEqualTo(3.0);
        assertThat(m.value("halley_connects_total", "transport", "websocket")).isEqualTo(7.0);
        assertThat(m.family("halley_connects").type()).isEqualTo("counter");
        assertThat(m.family("halley_sessions").help()).isEqualTo("Browser sessions on this node now.");
        assertThat(m.value("requests_total", "code", "200")).isEqualTo(12); // 0.0.4: the family keeps _total
        assertThat(m.value("lat_seconds_bucket", "le", "+Inf")).isEqualTo(4);
        assertThat(m.samples("odd").get(0).labels().get("v")).isEqualTo("a \"quoted\" back\\slash\nline");
    }

    @Test
    void refusesWhatPrometheusWouldRefuse() {
        assertThatThrownBy(() -> PrometheusText.parse("halley_x 1\n")).hasMessageContaining("undeclared family");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{b=\"c\" 1\n")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na{b=c} 1\n")).hasMessageContaining("quoted");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na one\n")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na 1\na 2\n")).hasMessageContaining("twice");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na  1\n")).hasMessageContaining("value");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\na 1")).hasMessageContaining("line feed");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a counter\na_bucket 1\n")).hasMessageContaining("undeclared");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\n# TYPE a counter\n")).hasMessageContaining("second TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"y\"} 2\n"))
                .hasMessageContaining("not together");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                + "h_count 1\nh_sum 1\n")).hasMessageContaining("cumulative");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\n"))
                .hasMessageContaining("_count");
    }
}
