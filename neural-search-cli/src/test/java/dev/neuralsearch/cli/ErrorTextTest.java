package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an HTTP error reply keeps of an engine's message: the problem, not the file or the class. */
class ErrorTextTest {

    @Test
    void pathsBecomeFileAndClassNamesGo() {
        assertThat(ErrorText.redact("index /tmp/junit-1/home is closed")).isEqualTo("index <file> is closed");
        assertThat(ErrorText.redact("cannot read document 3 of /srv/idx/seg-1/docs.bin: java.io.IOException:"
                + " Input/output error")).isEqualTo("cannot read document 3 of <file>: Input/output error");
        assertThat(ErrorText.redact("bad file 'C:\\Users\\me\\idx', see file:/home/me/x"))
                .isEqualTo("bad file '<file>', see <file>");
        assertThat(ErrorText.redact("filter on \"year\" needs a number")).isEqualTo("filter on \"year\" needs a number");
        assertThat(ErrorText.redact("ranks 1/2 and a/b stay")).isEqualTo("ranks 1/2 and a/b stay");
        assertThat(ErrorText.redact(null)).isEqualTo("bad request");
    }
}
