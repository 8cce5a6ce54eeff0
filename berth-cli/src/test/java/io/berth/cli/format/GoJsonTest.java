package io.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GoJsonTest {
  @Test
  void indentsWithFourSpacesAndCompactEmpties() throws Exception {
    String in = "[{\"Id\":\"abc\",\"Args\":[],\"Labels\":{},\"Cmd\":[\"sh\"],\"N\":1.5,\"T\":true,\"X\":null}]";
    assertThat(GoJson.indent(new ObjectMapper().readTree(in))).isEqualTo("""
        [
            {
                "Id": "abc",
                "Args": [],
                "Labels": {},
                "Cmd": [
                    "sh"
                ],
                "N": 1.5,
                "T": true,
                "X": null
            }
        ]""");
    assertThat(GoJson.indent(new ObjectMapper().createArrayNode())).isEqualTo("[]");
  }
}
