package dev.neuralsearch.ann.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checksums: the direct-I/O read of large files gives the CRC32 of the bytes, at any length. */
@Tag("smoke") // also on the JDK 17 floor (the default vectorization)
class FileUtilTest {
    @TempDir
    Path dir;

    @Test
    void largeFilesChecksumTheSameWithDirectIo() throws IOException {
        Random r = new Random(3);
        // below the threshold, one block short of and past a whole buffer, and an odd tail
        int[] sizes = {1000, (int) FileUtil.DIRECT_CRC_BYTES - 1, (int) FileUtil.DIRECT_CRC_BYTES + 4096,
                (int) FileUtil.DIRECT_CRC_BYTES + (1 << 20) + 123};
        for (int size : sizes) {
            byte[] bytes = new byte[size];
            r.nextBytes(bytes);
            Path f = dir.resolve("f-" + size);
            Files.write(f, bytes);
            CRC32 expected = new CRC32();
            expected.update(bytes);
            assertThat(FileUtil.crc32(f)).as("size %d", size).isEqualTo(expected.getValue());
            assertThat(FileUtil.crc32(f, true)).as("direct if large, size %d", size).isEqualTo(expected.getValue());
            Long direct = FileUtil.crc32Direct(f);
            System.out.printf("size %d: direct I/O %s%n", size, direct == null ? "not supported here" : "used");
            if (direct != null) {
                assertThat(direct).as("direct, size %d", size).isEqualTo(expected.getValue());
            }
        }
    }
}
